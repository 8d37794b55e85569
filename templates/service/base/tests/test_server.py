"""Serving: the garbage collector is set up for a long-running process before uvicorn runs,
and `--migrate` brings the database to the head revision first."""

import asyncio
import gc
import logging
from typing import Any

import pytest
import uvicorn

from app.cmd.api import server
from app.core.migrations import migration_heads
from app.core.settings import Settings, get_settings
from app.repository.health import current_revisions
from tests.test_migrations import run_on


def app(*_: Any) -> None:
    """Stands for the application: only passed on to uvicorn."""


def serve_on(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, database_url: str, argv: list[str]
) -> set[str]:
    """server.serve(app, argv) with its settings on `database_url` and uvicorn.run standing
    in: the revisions the database records when uvicorn would have started."""
    chosen = settings.model_copy(update={"database_url": database_url})
    monkeypatch.setattr(server, "get_settings", lambda: chosen)
    seen: set[str] = set()

    def run(served: Any, **options: Any) -> None:
        assert served is app
        seen.update(asyncio.run(run_on(database_url, current_revisions)))

    monkeypatch.setattr(uvicorn, "run", run)
    server.serve(app, argv)
    return seen


def test_serving_freezes_what_is_loaded_and_collects_young_objects_less_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(("freeze", None)))
    monkeypatch.setattr(gc, "set_threshold", lambda *limits: calls.append(("threshold", limits)))
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: calls.append(("run", (app, options["port"])))
    )

    server.serve(app, [])

    _, *older = gc.get_threshold()
    assert calls == [
        ("freeze", None),
        ("threshold", (server.YOUNG_OBJECTS_BEFORE_COLLECTING, *older)),
        ("run", (app, get_settings().port)),
    ]


def test_migrate_brings_the_database_to_head_before_serving(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, empty_database_url: str
) -> None:
    seen = serve_on(monkeypatch, settings, empty_database_url, ["--migrate"])

    assert seen == set(migration_heads() or ())
    assert seen  # a revision at all: the migrations ran


def test_without_migrate_the_database_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, empty_database_url: str
) -> None:
    assert serve_on(monkeypatch, settings, empty_database_url, []) == set()


def test_failed_migrations_exit_with_their_own_status_and_serve_nothing(
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    empty_database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fail(database_url: str) -> None:
        raise ConnectionRefusedError("the database server is down")

    monkeypatch.setattr(server, "apply_migrations", fail)
    with (
        caplog.at_level(logging.ERROR, logger=server.__name__),
        pytest.raises(SystemExit) as exited,
    ):
        serve_on(monkeypatch, settings, empty_database_url, ["--migrate"])

    assert exited.value.code == server.MIGRATIONS_FAILED_EXIT_STATUS
    assert "The database migrations failed: not serving" in caplog.text
    assert "the database server is down" in caplog.text
