"""One typed settings object, read once from `IA_*` environment variables (and `.env`).

Invalid values fail at start with one line naming the variable (`SettingsError`), never with a
traceback; list settings take the comma-separated form the README documents."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
_PREFIX = "IA_"


class SettingsError(Exception):
    """A setting with an invalid value; the message names the variable and what it expects."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=_PREFIX, env_file=".env", extra="ignore")

    data_dir: Path = Field(
        Path("data/store"),
        description="Chroma files, SQLite state and uploads (relative to the working directory)",
    )
    sample_dir: Path = Field(REPO_ROOT / "data" / "sample", description="bundled sample corpus")
    chroma_host: str | None = Field(None, description="use a Chroma server instead of embedded")
    chroma_port: int = Field(8000, ge=1, le=65535)
    collection: str = "chunks"
    embedding_model: str | None = Field(
        None, description="sentence-transformers name or path; default: the packaged MiniLM"
    )
    embedding_batch_size: int = Field(32, ge=1)
    torch_threads: int | None = Field(None, ge=1, description="encoder CPU threads")
    reranker_model: str | None = Field(
        None, description="local path of a sentence-transformers CrossEncoder to rerank with"
    )
    chunk_chars: int = Field(1200, ge=200, le=20000, description="target chunk size")

    answerer: Literal["extractive", "llm"] = "extractive"
    llm_base_url: str | None = None
    llm_model: str = "llama3.1"
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = Field(60.0, gt=0)

    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    readonly_api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_question_chars: int = Field(2000, ge=1)
    max_upload_mb: int = Field(50, ge=1)
    max_chunks_per_document: int = Field(
        10_000, ge=1, description="a document cutting into more chunks is refused (413)"
    )
    retention_days: int = Field(
        90, ge=1, description="conversations, feedback and audit rows older than this are pruned"
    )
    fingerprint_salt: str | None = Field(
        None,
        description="salt of the key fingerprints in the audit log; default: a random salt "
        "kept in the data directory",
    )
    session_hours: float = Field(12.0, gt=0, description="how long a web login lasts")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    allow_open: bool = Field(
        False, description="with no API keys, listen beyond loopback anyway (IA_ALLOW_OPEN)"
    )

    @field_validator("api_keys", "readonly_api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        """`key1,key2` (the documented form) or a list; blanks and spaces dropped."""
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @field_validator(
        "llm_base_url", "chroma_host", "reranker_model", "embedding_model", "fingerprint_salt"
    )
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "assistant.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def keyed(self) -> bool:
        """Whether any API key is configured (then every data route needs one)."""
        return bool(self.api_keys or self.readonly_api_keys)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and `overrides`); raises `SettingsError` with one line per
    bad variable."""
    try:
        # BaseSettings reads the environment in __init__, so overrides go in as keywords, which
        # mypy cannot match to the typed fields.
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(
            f"{_PREFIX}{str(e['loc'][0]).upper()}: {e['msg']} (got {e.get('input')!r})"
            for e in error.errors()
        )
        raise SettingsError(f"invalid setting: {problems}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
