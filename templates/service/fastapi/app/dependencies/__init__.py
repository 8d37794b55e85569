"""Providers injected into routes with `Depends()`: the request's database session and
the services built on it."""
