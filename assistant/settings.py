"""One typed settings object, read once from `IA_*` environment variables (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


def _split_keys(value: object) -> object:
    if isinstance(value, str):
        return [k.strip() for k in value.split(",") if k.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        REPO_ROOT / "data" / "store", description="Chroma files and SQLite state"
    )
    sample_dir: Path = Field(REPO_ROOT / "data" / "sample", description="bundled sample corpus")
    chroma_host: str | None = Field(None, description="use a Chroma server instead of embedded")
    chroma_port: int = 8000
    collection: str = "chunks"
    embedding_model: str | None = Field(
        None, description="sentence-transformers name or path; default: the packaged MiniLM"
    )
    embedding_batch_size: int = 32
    torch_threads: int | None = Field(None, description="encoder CPU threads (default: torch's)")
    reranker_model: str | None = Field(
        None, description="local path of a sentence-transformers CrossEncoder to rerank with"
    )
    chunk_chars: int = Field(1200, description="target chunk size in characters")

    answerer: str = Field("extractive", description="extractive | llm")
    llm_base_url: str | None = None
    llm_model: str = "llama3.1"
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 60.0

    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    readonly_api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_question_chars: int = 2000
    max_upload_mb: int = 50
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "assistant.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    def model_post_init(self, __context: object) -> None:
        self.api_keys = _split_keys(self.api_keys)  # type: ignore[assignment]
        self.readonly_api_keys = _split_keys(self.readonly_api_keys)  # type: ignore[assignment]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
