"""Limits that both the table (app.models) and the API (app.schemas) enforce, stated once.

The migrations keep their own copy on purpose: a revision records the schema as it was.
"""

NAME_MAX_LENGTH = 100
