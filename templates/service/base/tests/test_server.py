"""Serving: the garbage collector is set up for a long-running process before uvicorn runs."""

import gc
from typing import Any

import pytest
import uvicorn

from app.cmd.api import server
from app.core.settings import get_settings


def test_serving_freezes_what_is_loaded_and_collects_young_objects_less_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(("freeze", None)))
    monkeypatch.setattr(gc, "set_threshold", lambda *limits: calls.append(("threshold", limits)))
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: calls.append(("run", (app, options["port"])))
    )

    def app(*_: Any) -> None:
        """Stands for the application: only passed on to uvicorn."""

    server.serve(app)

    _, *older = gc.get_threshold()
    assert calls == [
        ("freeze", None),
        ("threshold", (server.YOUNG_OBJECTS_BEFORE_COLLECTING, *older)),
        ("run", (app, get_settings().port)),
    ]
