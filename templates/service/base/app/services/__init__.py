"""Business logic: the rules of the service, over repositories.

Services take and return Pydantic schemas, never ORM objects, and raise the errors of
`app.exceptions`; the API layer stays a thin translation to HTTP.
"""
