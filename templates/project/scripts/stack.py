"""Start every service of the project as a local process.

    python scripts/stack.py    # what `make run` does; stop with Ctrl-C

Each service runs from its own directory with its own virtual environment
(services/<name>/.venv), after `alembic upgrade head`, on the port the manifest
(.layered-backend.json) gives it, with the URLs of all the others as its peers.

The root tests use `running_stack(..., isolated=True)` instead: free ports and
throwaway databases, so they never touch development data; each service migrates its
database itself as it starts (`--migrate`). A service on SQLite gets a new
file; a service on a database server (PostgreSQL, MySQL) gets a new database on the
server its tests use (TEST_DATABASE_URL, TEST_POSTGRES_URL / TEST_MYSQL_URL, or its own
container: see libs/shared_testing/database_server.py), dropped at the end.

Services are stopped however the launcher ends: on exit, on an error during startup, on
Ctrl-C, SIGTERM or SIGHUP (which interrupt like Ctrl-C while services run), and even when
it is killed outright, through scripts/guard.py.
Standard library only.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

from guard import GRACE_SECONDS

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".layered-backend.json"
STARTUP_TIMEOUT_SECONDS = 60.0
GUARD = Path(__file__).resolve().with_name("guard.py")
# How long a service gets to stop: the guard's own grace period, and time to exit after it.
STOP_TIMEOUT_SECONDS = GRACE_SECONDS + 2.0
# Exit status of `python -m tests.database create` in a service when its database server
# cannot be used (libs/shared_testing/database_server.py).
DATABASE_UNAVAILABLE_EXIT_STATUS = 3
# Exit status of `python -m app.cmd.api.main --migrate` when the migrations fail
# (app/cmd/api/server.py).
MIGRATIONS_FAILED_EXIT_STATUS = 4
# A service as this script runs it: its guard (scripts/guard.py), with the service under it.
ServiceProcess = subprocess.Popen[bytes]
# The line of a traceback that names the exception: `ConnectionRefusedError: [Errno 111]...`
ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): ")


class DatabaseUnavailable(RuntimeError):  # noqa: N818 (a condition, not a programming error)
    """A service's database server cannot be used; the message says how to fix it."""


class MigrationFailed(RuntimeError):  # noqa: N818 (a condition, not a programming error)
    """A service's migrations did not run; the message says why, and how to fix it."""


@dataclass(frozen=True)
class Service:
    """A service as the manifest describes it."""

    name: str
    module: str
    env_prefix: str
    route_path: str
    db: str
    port: int

    @property
    def directory(self) -> Path:
        return ROOT / "services" / self.name

    @property
    def python(self) -> Path:
        bin_dir = "Scripts" if os.name == "nt" else "bin"
        return self.directory / ".venv" / bin_dir / ("python.exe" if os.name == "nt" else "python")


def read_services(manifest: Path = MANIFEST) -> list[Service]:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return [
        Service(
            name=entry["name"],
            module=entry["module"],
            env_prefix=entry["envPrefix"],
            route_path=entry["routePath"],
            db=entry["db"],
            port=entry["port"],
        )
        for entry in data["services"]
    ]


def read_identity_service(manifest: Path = MANIFEST) -> str | None:
    """The service that issues access tokens, when the project has one (--auth jwt)."""
    identity = json.loads(manifest.read_text(encoding="utf-8")).get("identityService")
    return identity if isinstance(identity, str) else None


def create_account(
    service: Service, env: dict[str, str], username: str, password: str, scopes: list[str]
) -> None:
    """Create an account of the identity service `service` (running with `env`)."""
    subprocess.run(
        [str(service.python), "-m", "app.cmd.create_user", username, "--scopes", " ".join(scopes)],
        cwd=service.directory,
        env={**env, "PASSWORD": password},
        check=True,
        capture_output=True,
    )


def read_broker(manifest: Path = MANIFEST) -> str:
    """The project's broker (`none` in a manifest written before brokers existed)."""
    broker: str = json.loads(manifest.read_text(encoding="utf-8")).get("broker", "none")
    return broker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Stack:
    """Services started by `running_stack`: name -> base URL, and their processes."""

    urls: dict[str, str]
    processes: dict[str, ServiceProcess] = field(default_factory=dict)
    # The environment each service was started with (its database URL among it; its
    # commands, e.g. create_user, need the same), and where its output goes: what `stop`
    # and `restart` need.
    environments: dict[str, dict[str, str]] = field(default_factory=dict)
    work_dir: Path | None = None

    def exited(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def stop(self, service: Service) -> None:
        """Stop one service (the tests of events stop a consumer for a while)."""
        stop_all([self.processes[service.name]])

    def restart(self, service: Service) -> None:
        """Start a stopped service again, on its port and database, and wait until ready."""
        log = None
        if self.work_dir is not None:
            log = (self.work_dir / f"{service.name}.log").open("ab")
        try:
            self.processes[service.name] = start_guarded(
                service, self.environments[service.name], log
            )
        finally:
            if log is not None:
                log.close()  # the child process has its own copy
        wait_until_ready(service, self, self.work_dir)


@contextmanager
def running_stack(
    services: list[Service], *, isolated: bool, work_dir: Path | None = None
) -> Iterator[Stack]:
    """Start `services`, wait until each is ready, stop them all on exit.

    isolated=False: the manifest's ports and each service's own database (from its .env);
    output goes to this terminal.
    isolated=True: free ports, a new database per service (a SQLite file in `work_dir`, or
    a database created on the service's test server and dropped on exit), and output to
    log files in `work_dir`. Raises DatabaseUnavailable when a service's database server
    cannot be used.
    """
    if isolated and work_dir is None:
        raise ValueError("an isolated stack needs a work_dir")
    ports = {service.name: free_port() if isolated else service.port for service in services}
    stack = Stack(
        urls={name: f"http://127.0.0.1:{port}" for name, port in ports.items()},
        work_dir=work_dir,
    )
    logs: dict[str, IO[bytes]] = {}
    databases: dict[Service, str] = {}

    def start(service: Service) -> None:
        if isolated and service.db != "sqlite":
            databases[service] = create_test_database(service)
        env = service_environment(service, services, stack.urls, work_dir, databases.get(service))
        stack.environments[service.name] = env
        log: IO[bytes] | None = None
        if work_dir is not None:
            log = logs[service.name] = (work_dir / f"{service.name}.log").open("wb")
        require_environment(service)
        if isolated:
            # The service migrates its new database itself as it starts (--migrate): one
            # process instead of two; its log says why when that fails.
            stack.processes[service.name] = start_guarded(service, env, log, migrate=True)
        else:
            # Output goes to this terminal: `migrate` makes a failure one line.
            migrate(service, env, log)
            stack.processes[service.name] = start_guarded(service, env, log)

    # Outermost, so that a signal during startup, the tests or the cleanup is handled alike.
    with termination_interrupts():
        try:
            # Side by side: each step mostly waits for a subprocess (database, migrations).
            # Leaving the pool waits for every step, so services started before a failure
            # are in stack.processes when the `finally` runs.
            with ThreadPoolExecutor(max_workers=max(len(services), 1)) as pool:
                futures = [pool.submit(start, service) for service in services]
            raise_failures([error for future in futures if (error := future.exception())])
            for service in services:
                wait_until_ready(service, stack, work_dir)
            yield stack
        finally:
            # A copy: after a second Ctrl-C a starting thread may still add one (its guard
            # stops it when this process exits).
            stop_all(list(stack.processes.values()))
            for log_file in logs.values():
                log_file.close()
            with ThreadPoolExecutor(max_workers=max(len(databases), 1)) as pool:
                for service, url in databases.items():
                    pool.submit(drop_test_database, service, url)


@contextmanager
def termination_interrupts() -> Iterator[None]:
    """Within: SIGTERM (a supervisor, `kill`) and SIGHUP (a closed terminal) interrupt like
    Ctrl-C, with KeyboardInterrupt, so that cleanup code runs (the `finally` of
    running_stack, pytest's fixture teardown) instead of the process dying on the spot.

    Only the first one interrupts: the same signal often comes twice (make passes SIGTERM
    on to its children, which got it already when it was sent to the whole process group),
    and a second KeyboardInterrupt would cut the cleanup short. Only the main thread can
    set signal handlers; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGTERM", "SIGHUP")  # SIGHUP does not exist on Windows
    signals = [getattr(signal, name) for name in names if hasattr(signal, name)]
    previous = {signum: signal.getsignal(signum) for signum in signals}

    def interrupt(signum: int, frame: FrameType | None) -> None:
        for other in signals:
            signal.signal(other, signal.SIG_IGN)
        raise KeyboardInterrupt(signal.Signals(signum).name)

    for signum in signals:
        signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:
                signal.signal(signum, handler)


def start_guarded(
    service: Service, env: dict[str, str], log: IO[bytes] | None, *, migrate: bool = False
) -> ServiceProcess:
    """Start `service` under scripts/guard.py, which stops it when this process is gone;
    with `migrate`, it applies its migrations first.

    Closing the returned process's stdin asks the guard to stop the service. The guard and
    the service get a process group of their own: Ctrl-C reaches this script only, which
    then stops every service, and the whole group can be killed at once.
    """
    command = [str(service.python), "-m", "app.cmd.api.main", *(["--migrate"] if migrate else [])]
    return subprocess.Popen(
        [sys.executable, str(GUARD), *command],
        cwd=service.directory,
        env=env,
        stdin=subprocess.PIPE,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
        start_new_session=True,
    )


def stop_all(processes: list[ServiceProcess]) -> None:
    """Stop services started by `start_guarded`, side by side, within STOP_TIMEOUT_SECONDS."""
    for process in processes:
        if process.stdin is not None:
            process.stdin.close()  # the guard stops its service
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.0))
        except subprocess.TimeoutExpired:
            kill_group(process)


def kill_group(process: ServiceProcess) -> None:
    """Kill the guard and its service (and anything the service started)."""
    if hasattr(os, "killpg"):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()
    process.wait()


def raise_failures(errors: list[BaseException]) -> None:
    """Raise the error of every service that could not start, in one exception."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        message = "\n".join(str(error) for error in errors)
        if all(isinstance(error, DatabaseUnavailable) for error in errors):
            raise DatabaseUnavailable(message)
        raise RuntimeError(message)


def service_environment(
    service: Service,
    services: list[Service],
    urls: dict[str, str],
    work_dir: Path | None,
    database_url: str | None,
) -> dict[str, str]:
    """The process environment of `service`: settings set here win over its .env.

    With a `work_dir` (an isolated stack), the service's database is replaced: by
    `database_url`, or by a new SQLite file there.
    """
    prefix = service.env_prefix
    peers = {other.name: urls[other.name] for other in services if other != service}
    env = {
        **os.environ,
        f"{prefix}HOST": "127.0.0.1",
        f"{prefix}PORT": urls[service.name].rsplit(":", 1)[1],
        f"{prefix}PEERS": json.dumps(peers),
    }
    if database_url is not None:
        env[f"{prefix}DATABASE_URL"] = database_url
    elif work_dir is not None and service.db == "sqlite":
        env[f"{prefix}DATABASE_URL"] = f"sqlite+aiosqlite:///{work_dir / service.module}.db"
    return env


def require_environment(service: Service) -> None:
    if not service.python.exists():
        raise RuntimeError(f"{service.python} does not exist: run `make install` first")


def create_test_database(service: Service) -> str:
    """A new, empty database for `service` on its test server; returns its URL."""
    require_environment(service)
    # The service's own code knows its engine and where its tests may create databases.
    result = subprocess.run(
        [str(service.python), "-m", "tests.database", "create"],
        cwd=service.directory,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == DATABASE_UNAVAILABLE_EXIT_STATUS:
        raise DatabaseUnavailable(f"{service.name}: {result.stderr.strip()}")
    if result.returncode != 0:
        raise RuntimeError(
            f"creating a test database for {service.name} failed:\n{result.stderr.strip()}"
        )
    return result.stdout.strip().splitlines()[-1]


def drop_test_database(service: Service, url: str) -> None:
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    result = subprocess.run(
        [str(service.python), "-m", "tests.database", "drop", name],
        cwd=service.directory,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(f"could not drop {name} ({service.name}): {result.stderr.strip()}", file=sys.stderr)


def migrate(service: Service, env: dict[str, str], log: IO[bytes] | None) -> None:
    """`alembic upgrade head` in the service; raises MigrationFailed with a one-line
    summary (the whole output goes to `log`, when there is one)."""
    result = subprocess.run(
        [str(service.python), "-m", "alembic", "upgrade", "head"],
        cwd=service.directory,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    if log is not None:
        log.write(result.stdout)
    if result.returncode != 0:
        output = result.stdout.decode("utf-8", errors="replace")
        raise MigrationFailed(migration_failure(service, output))


def migration_failure(service: Service, output: str) -> str:
    """One line instead of Alembic's traceback: the error, and what to do about it."""
    settings = f"{service.env_prefix}DATABASE_URL in services/{service.name}/.env"
    if service.db == "sqlite":
        fix = f"check {settings}"
    else:
        fix = (
            f"is its database server running? Start it with "
            f"`docker compose up -d {service.name}-db`, or check {settings}"
        )
    return (
        f"{service.name}: the migrations failed ({last_error(output)}); {fix}. "
        f"`make migrate-service-{service.name}` shows the whole error."
    )


def last_error(output: str) -> str:
    """The last `SomeError: message` line of a traceback, without SQLAlchemy's prefix; the
    traceback may be the `exception` of a JSON log line."""
    errors = [line for line in output_lines(output) if ERROR_LINE.match(line)]
    if not errors:
        return "no error message"
    return errors[-1].removeprefix("sqlalchemy.exc.")


def output_lines(output: str) -> Iterator[str]:
    """The lines of a service's output, those of the exception of a JSON log line among them."""
    for line in output.splitlines():
        yield line
        if line.startswith("{"):
            with suppress(ValueError, AttributeError):
                yield from json.loads(line).get("exception", "").splitlines()


def http_status(url: str) -> int:
    """The status code of GET `url`: a plain HTTP request to one of the stack's services."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=2)
    try:
        connection.request("GET", parts.path or "/")
        return connection.getresponse().status
    finally:
        connection.close()


def wait_until_ready(service: Service, stack: Stack, work_dir: Path | None) -> None:
    url = f"{stack.urls[service.name]}/health/ready"
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        status = stack.processes[service.name].poll()
        if status == MIGRATIONS_FAILED_EXIT_STATUS and work_dir is not None:
            raise MigrationFailed(migration_failure(service, service_log(service, work_dir)))
        if status is not None:
            raise RuntimeError(f"{service.name} exited during startup{log_tail(service, work_dir)}")
        try:
            if http_status(url) == 200:
                return
        except (OSError, http.client.HTTPException):
            pass  # not listening yet
        time.sleep(0.05)  # a service is ready ~1 s after its start: check often
    raise RuntimeError(f"{service.name} was not ready at {url}{log_tail(service, work_dir)}")


def service_log(service: Service, work_dir: Path) -> str:
    """What a service started in `work_dir` has written so far."""
    return (work_dir / f"{service.name}.log").read_text(encoding="utf-8", errors="replace")


def log_tail(service: Service, work_dir: Path | None, lines: int = 30) -> str:
    if work_dir is None:
        return ""
    text = service_log(service, work_dir)
    return "; last lines of its output:\n" + "\n".join(text.splitlines()[-lines:])


def main() -> int:
    # Ctrl-C stops every service before exiting, even where a shell started this script
    # with SIGINT ignored (`&`); running_stack does the same for SIGTERM and SIGHUP.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    services = read_services()
    try:
        with running_stack(services, isolated=False) as stack:
            for name, url in stack.urls.items():
                print(f"{name:>24}  {url}")
            print("All services are ready. Press Ctrl-C to stop them.")
            while not stack.exited():
                time.sleep(0.5)
            print(f"Stopped because {', '.join(stack.exited())} exited.", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        return 0
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
