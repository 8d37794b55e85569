"""The error responses of a route that needs a token, as the OpenAPI document lists them."""

from app.api.problem_spec import problem

UNAUTHENTICATED = problem(401, "No valid access token (Authorization: Bearer <token>).")
FORBIDDEN = problem(403, "The access token lacks the scope this request needs.")
