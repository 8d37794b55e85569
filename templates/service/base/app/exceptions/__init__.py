"""Errors of the service's domain, raised by the inner layers.

They carry an HTTP status and a stable code but know nothing of the web framework;
`app.exceptions.handlers` turns them into responses. `base` holds the generic kinds of
error, one module per entity the specific ones.
"""
