"""The broker client: the only package of the service that talks to the message broker.

Named `messaging` rather than `events`: `app.events` holds the application's startup and
shutdown steps (one of which opens this package's `Messaging`). `broker.py` is the one
module that knows the broker's product (exchange, stream or consumer-group names); the
relay and the consumer work with any broker through it. Nothing below `app.dependencies`
imports this package (an import-linter contract checks it): the services emit events
through the outbox repository and receive them through `PeerEventsService`.
"""
