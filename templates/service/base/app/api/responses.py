"""The error responses of the API, as the OpenAPI document lists them.

Every error is a `shared_schemas.Problem` sent as application/problem+json. Each route
lists the ones it can answer, so that the document says everything a client has to handle.
How the framework writes one entry: app.api.problem_spec.
"""

from app.api.problem_spec import problem

# A body, path or query parameter that does not match the schema (an id that is not a
# positive integer of at most 2**31 - 1, a body that is not JSON): `errors` says where.
INVALID = problem(422, "Invalid input; `errors` lists each invalid field and where it is.")
NOT_FOUND = problem(404, "No such resource.")
CONFLICT = problem(409, "The name is already taken.")
# Produced before the route runs, for any request with a body over the limit.
TOO_LARGE = problem(413, "The request body is larger than the service accepts.")
NOT_JSON = problem(415, "The request body is not sent as JSON (Content-Type).")
# The database cannot be used right now; the Retry-After header says when to retry.
UNAVAILABLE = problem(503, "The service cannot reach its database; retry later.")
