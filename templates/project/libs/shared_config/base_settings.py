"""The base class of every service's settings.

A service subclasses `ServiceSettings`, sets its own `env_prefix` (for example `USERS_`)
and a default database URL. Values come from, by priority: arguments, environment
variables, the service's `.env` file, then the defaults below.
"""

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared_config.constants import MIN_SECRET_KEY_LENGTH, PLACEHOLDER_SECRET_KEY

Environment = Literal["development", "test", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["text", "json"]


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    service_name: str
    environment: Environment = "development"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    database_url: str
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET_KEY)
    log_level: LogLevel = "INFO"
    # text: for a terminal; json: one object per line, for log collectors (containers).
    log_format: LogFormat = "text"
    # Browser origins allowed to call the API; none by default (CORS stays off).
    # From the environment as JSON: USERS_CORS_ORIGINS='["https://example.com"]'.
    cors_origins: list[str] = Field(default_factory=list)
    # Other services this one talks to, name -> base URL.
    # From the environment as JSON: USERS_PEERS='{"orders": "http://127.0.0.1:8002"}'.
    peers: dict[str, str] = Field(default_factory=dict)
    peer_timeout_seconds: float = Field(default=5.0, gt=0)

    @property
    def serves_api_docs(self) -> bool:
        """The OpenAPI document and /docs: for development and tests, not in production."""
        return self.environment != "production"

    @model_validator(mode="after")
    def refuse_weak_secret_outside_development(self) -> Self:
        """Fail at startup rather than sign tokens with a guessable key in production."""
        secret = self.secret_key.get_secret_value()
        weak = secret == PLACEHOLDER_SECRET_KEY or len(secret) < MIN_SECRET_KEY_LENGTH
        if weak and self.environment != "development":
            raise ValueError(
                f"secret_key must be a random value of at least {MIN_SECRET_KEY_LENGTH} "
                f"characters when environment is {self.environment!r}; generate one with: "
                "python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return self
