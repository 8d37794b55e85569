"""Log lines: plain text, or one JSON object per line (<PREFIX>_LOG_FORMAT=json)."""

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from pydantic import SecretStr
from shared_utils import set_request_id

from app.core.log_format import REDACTED, formatter_config
from app.core.logging import configure_logging
from app.core.settings import Settings
from tests.app_client import open_client

FIELDS = {
    "time",
    "level",
    "logger",
    "message",
    "service",
    "request_id",
    "trace_id",
    "span_id",
}
SECRET_KEY = "a-secret-key-that-must-never-reach-the-logs"


@pytest.fixture
def json_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"log_format": "json", "secret_key": SecretStr(SECRET_KEY)})


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    set_request_id(None)


def json_lines(text: str) -> list[dict[str, Any]]:
    """Each line of `text` parsed on its own: a line that is not JSON fails the test."""
    entries = [json.loads(line) for line in text.splitlines()]
    assert all(isinstance(entry, dict) for entry in entries)
    return entries


def test_every_line_is_one_json_object_with_every_field(
    json_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", formatter_config(json_settings))
    set_request_id("req-1")

    logging.getLogger("app.example").info("hello %s", "world")
    logging.getLogger("uvicorn.error").info("Uvicorn running")  # the server's own logger

    first, second = json_lines(capsys.readouterr().err)
    assert first.keys() >= FIELDS
    assert first["message"] == "hello world"
    assert first["level"] == "INFO"
    assert first["logger"] == "app.example"
    assert first["service"] == json_settings.service_name
    assert first["request_id"] == "req-1"
    assert first["time"].endswith("+00:00")
    assert first["trace_id"] is None  # no trace outside a traced request
    assert second["logger"] == "uvicorn.error"


def test_an_exception_is_one_field_of_one_line(
    json_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", formatter_config(json_settings))

    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        logging.getLogger("app.example").exception("it failed")

    output = capsys.readouterr().err
    (entry,) = json_lines(output)
    assert entry["message"] == "it failed"
    assert "Traceback" in entry["exception"]
    assert "ValueError: first line\nsecond line" in entry["exception"]


def test_lines_carry_the_ids_of_the_current_trace(
    json_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", formatter_config(json_settings))
    tracer = TracerProvider().get_tracer(__name__)

    with tracer.start_as_current_span("work") as span:
        logging.getLogger("app.example").info("inside")
    context = span.get_span_context()

    (entry,) = json_lines(capsys.readouterr().err)
    assert entry["trace_id"] == f"{context.trace_id:032x}"
    assert entry["span_id"] == f"{context.span_id:016x}"


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_secrets_are_never_written(
    json_settings: Settings, log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    password = "db-password-42"
    settings = json_settings.model_copy(
        update={
            "log_format": log_format,
            "database_url": f"postgresql+asyncpg://app:{password}@db/app",
        }
    )
    configure_logging("INFO", formatter_config(settings))

    logger = logging.getLogger("app.example")
    logger.warning("key=%s url=%s", SECRET_KEY, settings.database_url)
    try:
        raise RuntimeError(f"cannot connect with {password}")
    except RuntimeError:
        logger.exception("failed")

    output = capsys.readouterr().err
    assert SECRET_KEY not in output
    assert password not in output
    assert output.count(REDACTED) == 3


def test_text_is_the_default(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert settings.log_format == "text"
    configure_logging("INFO", formatter_config(settings))
    set_request_id("req-2")

    logging.getLogger("app.example").info("plain")

    line = capsys.readouterr().err.strip()
    assert line.endswith("INFO     [req-2] app.example: plain")


async def test_request_logs_are_json_lines_with_the_request_id(
    json_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    async with open_client(json_settings) as client:
        response = await client.get("/health", headers={"X-Request-ID": "req-3"})
    assert response.status_code == 200

    entries = json_lines(capsys.readouterr().err)
    access = [entry for entry in entries if entry["logger"] == "app.access"]
    assert len(access) == 1
    assert access[0]["request_id"] == "req-3"
    assert "/health" in access[0]["message"]


def test_json_settings_come_from_the_environment(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = settings.model_config.get("env_prefix", "")
    monkeypatch.setenv(f"{prefix}LOG_FORMAT", "json")

    assert Settings(_env_file=None, database_url=settings.database_url).log_format == "json"
    monkeypatch.setenv(f"{prefix}LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="log_format"):
        Settings(_env_file=None, database_url=settings.database_url)
