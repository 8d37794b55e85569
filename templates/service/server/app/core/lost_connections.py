"""How the pool of a database server gets over lost connections, without testing each
connection before use.

Testing every connection as it leaves the pool (`pool_pre_ping`) costs a round trip to
the server on every request. Instead:

- Connections are replaced before servers and proxies close them for being idle
  (`pool_recycle`, in app.core.database).
- When a statement fails because its connection is gone (the server restarted, a
  failover), SQLAlchemy discards that connection and every other one the pool holds:
  they were most likely cut by the same event. That request answers 503
  (app.exceptions.database), the next ones get new connections. `handle_lost_connections`
  extends this to the socket errors some drivers raise as they are, without wrapping them.
"""

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine


def handle_lost_connections(engine: AsyncEngine) -> None:
    event.listen(engine.sync_engine, "handle_error", _mark_lost_connection)


def _mark_lost_connection(context: ExceptionContext) -> None:
    # ConnectionResetError, BrokenPipeError and the like: the socket is gone.
    if isinstance(context.original_exception, ConnectionError):
        context.is_disconnect = True
