"""Providers that Litestar injects into route handlers (`Provide`), by parameter name: the
request's database session and the services built on it."""
