"""Test tools shared by every service: throwaway databases on a real database server.

`shared_testing.database_server` is a pytest plugin; a service on PostgreSQL or MySQL
loads it from its tests/database.py. Only the services' tests import this package: their
environments provide pytest and SQLAlchemy, which it uses.
"""
