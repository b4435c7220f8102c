"""Process settings, read from the environment and an optional `.env` file.

Every name here is part of the outside contract (see the README's settings table).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import AnyHttpUrl, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    mongodb_uri: str = ""
    mongodb_db: str = Field(default="salesbot", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
    redis_url: str = ""
    data_dir: Path = Path("./var")
    secret_key: str = ""

    groq_api_key: str = ""
    groq_model: str = Field(default="llama-3.3-70b-versatile", min_length=1)
    groq_base_url: str = ""
    # How long one model call may take before the offline responder answers instead.
    groq_timeout_s: float = Field(default=8.0, gt=0, le=120)
    # Voice notes: Groq's speech-to-text model, how long one transcription may take, and the largest recording
    # downloaded (Groq's free tier takes files up to 25 MB).
    groq_transcription_model: str = Field(default="whisper-large-v3-turbo", min_length=1)
    transcription_timeout_s: float = Field(default=30.0, gt=0, le=300)
    voice_max_mb: int = Field(default=25, ge=1, le=100)

    graph_api_url: AnyHttpUrl = AnyHttpUrl("https://graph.facebook.com/v21.0")
    meta_app_id: str = ""
    meta_app_secret: str = ""
    meta_verify_token: str = ""
    public_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8080")
    # Reverse proxies in front of `serve` that append the client's address to X-Forwarded-For (0: none, the
    # connection's own address is the client's). Rate limits per address read it.
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)

    reply_debounce_ms: int = Field(default=1500, ge=0, le=60_000)
    # Deliveries one worker handles at once (shared equally among the accounts with work: a page, an Instagram
    # account, a WhatsApp number), and how many it reads ahead of its free slots (see bot/inbound/worker.py).
    worker_concurrency: int = Field(default=64, ge=1, le=4096)
    worker_read_ahead: int = Field(default=5000, ge=1, le=100_000)
    # Messages (customers' and replies' text) older than this many days are purged; 0 keeps them.
    message_retention_days: int = Field(default=0, ge=0, le=36_500)
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")

    # Alert emails to owners when customers get no answer or a channel fails; off while SMTP_HOST is unset.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    # starttls: plain connection upgraded (port 587); tls: TLS from the start (port 465); none: a local relay.
    smtp_security: str = Field(default="starttls", pattern=r"^(starttls|tls|none)$")
    smtp_from: str = Field(default="", max_length=200)

    # Outbound webhooks may reach private, loopback and link-local addresses (a CRM on this machine, in tests).
    outbound_webhooks_allow_private: bool = False

    @field_validator("mongodb_uri")
    @classmethod
    def _mongodb_scheme(cls, value: str) -> str:
        if value and not value.startswith(("mongodb://", "mongodb+srv://")):
            raise ValueError("must start with mongodb:// or mongodb+srv://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_length(cls, value: str) -> str:
        if value and len(value) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @property
    def graph_base(self) -> str:
        return str(self.graph_api_url).rstrip("/")

    @property
    def public_base(self) -> str:
        return str(self.public_url).rstrip("/")

    @property
    def webhooks_need_https(self) -> bool:
        """A platform served over https (production) sends events to https URLs only."""
        return str(self.public_url).startswith("https:")

    def with_secret(self) -> Settings:
        """Return settings whose secret key is set, generating and keeping one under DATA_DIR if unset."""
        if self.secret_key:
            return self
        path = self.data_dir / "secret_key"
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
        path.chmod(0o600)  # also a key written by an older version
        key = path.read_text().strip()
        if len(key) < 16:
            # Never replaced silently: stored access tokens are encrypted with a key derived from it.
            raise SettingsError(f"invalid setting SECRET_KEY: {path} holds fewer than 16 characters")
        return self.model_copy(update={"secret_key": key})


class SettingsError(SystemExit):
    """Raised at start when a setting is bad; its message is one line naming the setting."""


def load_settings(**overrides: object) -> Settings:
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"invalid setting {name}: {first['msg']}") from None
    try:
        return settings.with_secret()
    except OSError as exc:
        raise SettingsError(f"invalid setting DATA_DIR: {settings.data_dir} is not a writable folder ({exc.strerror})") from None
