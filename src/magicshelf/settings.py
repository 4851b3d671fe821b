"""All configuration, read once from ``MAGICSHELF_*`` environment variables and validated."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Positive = Annotated[int, Field(gt=0)]


class Settings(BaseSettings):
    """MagicShelf settings. Every field maps to ``MAGICSHELF_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="MAGICSHELF_", extra="ignore", frozen=True)

    data_dir: Path = Path("var")
    database_url: str = ""
    storage_url: str = ""
    host: str = "127.0.0.1"
    port: Annotated[int, Field(gt=0, lt=65536)] = 8000
    workers: Positive = 1
    auto_migrate: bool = True
    forwarded_allow_ips: str = "127.0.0.1"
    # Logs on stdout: one JSON object per line, or text for people; a line per request.
    log_format: Literal["json", "text"] = "json"
    access_log: bool = True

    max_body_bytes: Positive = 1_000_000
    max_upload_bytes: Positive = 15_000_000
    max_image_pixels: Positive = 40_000_000
    # A page's recording: the file as sent, and how long it may play.
    max_audio_bytes: Positive = 10_000_000
    max_audio_seconds: Positive = 180

    miss_limit: Positive = 20
    miss_window_seconds: Positive = 600
    # Creates, uploads and rosters per client address; guards storage and the render slots.
    write_limit: Positive = 600
    write_window_seconds: Positive = 600
    # Limits shared by every replica (redis://host:6379/0); in memory per process when empty.
    redis_url: str = ""

    # Teacher accounts: who may sign up, how long a session lasts, how links are made.
    signup: Literal["first", "invite", "open"] = "first"
    public_url: str = ""  # e.g. https://livros.escola.example; sessions are Secure on https
    session_days: Positive = 14
    invitation_hours: Positive = 72
    login_failures_per_account: Positive = 10
    login_failures_per_address: Positive = 50
    login_window_seconds: Positive = 900

    gc_grace_seconds: Annotated[int, Field(ge=0)] = 3600
    db_pool_size: Positive = 20
    media_cache_bytes: Annotated[int, Field(ge=0)] = 8_000_000
    # Pictures one worker decodes at once (uploads and PDFs); a 12 MP photo needs ~80 MB.
    render_slots: Positive = 1

    # Faults answer quickly instead of hanging: a database or storage call that takes
    # longer than these fails with 503, and shutdown waits this long for requests in flight.
    database_timeout_seconds: Annotated[float, Field(gt=0)] = 2.0
    storage_timeout_seconds: Annotated[float, Field(gt=0)] = 10.0
    shutdown_timeout_seconds: Annotated[float, Field(gt=0)] = 20.0

    @model_validator(mode="after")
    def _fill_defaults(self) -> Self:
        # Frozen model: defaults that depend on data_dir are set once, here.
        if not self.database_url:
            sqlite_path = (self.data_dir / "magicshelf.sqlite3").resolve()
            object.__setattr__(self, "database_url", f"sqlite+aiosqlite:///{sqlite_path}")
        if not self.storage_url:
            media = (self.data_dir / "media").resolve()
            object.__setattr__(self, "storage_url", media.as_uri())
        self._check_urls()
        return self

    def _check_urls(self) -> None:
        db_scheme = urlsplit(self.database_url).scheme
        if db_scheme.startswith("postgres"):
            # Accept the URL operators already have and pin the async driver.
            rest = self.database_url.split("://", 1)[1]
            object.__setattr__(self, "database_url", f"postgresql+asyncpg://{rest}")
        elif db_scheme not in ("sqlite", "sqlite+aiosqlite"):
            raise ValueError(
                f"MAGICSHELF_DATABASE_URL must start with sqlite:// or postgresql://, "
                f"got {db_scheme or 'nothing'}://"
            )
        elif db_scheme == "sqlite":
            rest = self.database_url.split("://", 1)[1]
            object.__setattr__(self, "database_url", f"sqlite+aiosqlite://{rest}")
        if self.redis_url and urlsplit(self.redis_url).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(
                "MAGICSHELF_REDIS_URL must start with redis://, rediss:// or unix://, "
                f"got {urlsplit(self.redis_url).scheme or 'nothing'}://"
            )
        if self.public_url:
            public = urlsplit(self.public_url)
            if (
                public.scheme not in ("http", "https")
                or not public.netloc
                or public.path.strip("/")
            ):
                raise ValueError(
                    "MAGICSHELF_PUBLIC_URL must be the site's origin, like "
                    f"https://livros.escola.example, got {self.public_url!r}"
                )
            object.__setattr__(self, "public_url", f"{public.scheme}://{public.netloc}")
        storage = urlsplit(self.storage_url)
        if storage.scheme not in ("file", "s3"):
            raise ValueError(
                f"MAGICSHELF_STORAGE_URL must start with file:// or s3://, got {self.storage_url!r}"
            )
        if storage.scheme == "s3" and len(storage.netloc) < 3:
            raise ValueError("MAGICSHELF_STORAGE_URL needs a bucket name: s3://bucket?endpoint=…")

    @property
    def upload_dir(self) -> Path:
        """Where uploads are spooled as they arrive: ours alone, so ``gc`` can sweep what a
        killed worker left there (the system's temporary folder is everyone's)."""
        return self.data_dir / "uploads"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
