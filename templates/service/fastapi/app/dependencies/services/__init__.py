"""Each entity's service, wired with its repository on the request's session: one module
per entity, named after it."""
