"""Pydantic models of the API: what requests may contain and what responses return."""
