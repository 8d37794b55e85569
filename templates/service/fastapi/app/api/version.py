"""A version of the HTTP API: routers whose routes are served under one path prefix.

`app.include_router` would keep each router as a level of routing that every request
walks down, matching at each level (over a hundred calls a request for each). The routes
of a version are registered on the application itself instead, one by one, as FastAPI
did with included routers before it nested them: one level of routing for every route.
"""

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.params import Depends
from fastapi.routing import APIRoute


class ApiVersion:
    def __init__(
        self,
        prefix: str,
        dependencies: Sequence[Depends] = (),
        responses: dict[int | str, dict[str, Any]] | None = None,
    ) -> None:
        """`dependencies` run before each route's own and `responses` are documented on
        every route, as `APIRouter(dependencies=..., responses=...)` would do; a router
        included with `guarded=False` is served without them."""
        self.prefix = prefix
        self.dependencies = list(dependencies)
        self.responses = responses or {}
        self.routers: list[tuple[APIRouter, bool]] = []

    def include_router(self, router: APIRouter, *, guarded: bool = True) -> None:
        """Serve the routes of `router` (which hold its prefix, tags, responses and
        dependencies already) under this version's prefix."""
        self.routers.append((router, guarded))

    def add_to(self, app: FastAPI) -> None:
        for router, guarded in self.routers:
            for route in router.routes:
                # Entity routers hold API routes only; anything else would be lost here.
                if not isinstance(route, APIRoute):
                    raise TypeError(f"{route!r}: only API routes can be part of a version")
                if guarded:
                    add_route(app, self.prefix, route, self.dependencies, self.responses)
                else:
                    add_route(app, self.prefix, route, [], {})


def add_route(
    app: FastAPI,
    prefix: str,
    route: APIRoute,
    dependencies: Sequence[Depends],
    responses: dict[int | str, dict[str, Any]],
) -> None:
    app.router.add_api_route(
        prefix + route.path,
        route.endpoint,
        methods=route.methods,
        name=route.name,
        response_model=route.response_model,
        status_code=route.status_code,
        tags=route.tags,
        dependencies=[*dependencies, *route.dependencies],
        summary=route.summary,
        description=route.description,
        response_description=route.response_description,
        responses={**responses, **route.responses},
        deprecated=route.deprecated,
        operation_id=route.operation_id,
        response_model_include=route.response_model_include,
        response_model_exclude=route.response_model_exclude,
        response_model_by_alias=route.response_model_by_alias,
        response_model_exclude_unset=route.response_model_exclude_unset,
        response_model_exclude_defaults=route.response_model_exclude_defaults,
        response_model_exclude_none=route.response_model_exclude_none,
        include_in_schema=route.include_in_schema,
        response_class=route.response_class,
        route_class_override=type(route),
        callbacks=route.callbacks,
        openapi_extra=route.openapi_extra,
        generate_unique_id_function=route.generate_unique_id_function,
        strict_content_type=route.strict_content_type,
        max_body_size=route.max_body_size,
    )
