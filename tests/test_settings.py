"""Settings as users set them: `IA_*` environment variables (and `.env`), read by the real
command line and server, not `Settings(...)` objects built in Python."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_runner import REPO_ROOT, run_cli
from live_server import free_port, wait_until_up

from assistant.cli import exit_code
from assistant.domain.errors import TooLarge
from assistant.settings import Settings, SettingsError, load_settings

CLI = Path(sys.executable).parent / "inspection-assistant"
QUESTION = "what should officers record when they use police protection powers?"

# variable → (what a user writes, the attribute it sets, the typed value expected)
CASES: dict[str, tuple[str, str, Any]] = {
    "IA_DATA_DIR": ("/srv/ia/store", "data_dir", Path("/srv/ia/store")),
    "IA_CHROMA_HOST": ("chroma.internal", "chroma_host", "chroma.internal"),
    "IA_CHROMA_PORT": ("8001", "chroma_port", 8001),
    "IA_EMBEDDING_MODEL": ("/models/minilm", "embedding_model", "/models/minilm"),
    "IA_RERANKER_MODEL": ("/models/cross-encoder", "reranker_model", "/models/cross-encoder"),
    "IA_LLM_BASE_URL": ("http://localhost:11434/v1", "llm_base_url", "http://localhost:11434/v1"),
    "IA_LLM_MODEL": ("qwen2.5:7b", "llm_model", "qwen2.5:7b"),
    "IA_LLM_API_KEY": ("sk-local", "llm_api_key", "sk-local"),
    "IA_ANSWERER": ("llm", "answerer", "llm"),
    "IA_API_KEYS": ("key1,key2", "api_keys", ["key1", "key2"]),
    "IA_READONLY_API_KEYS": ("key3", "readonly_api_keys", ["key3"]),
    "IA_HOST": ("0.0.0.0", "host", "0.0.0.0"),
    "IA_PORT": ("9000", "port", 9000),
    "IA_CHUNK_CHARS": ("900", "chunk_chars", 900),
    "IA_MAX_QUESTION_CHARS": ("500", "max_question_chars", 500),
    "IA_MAX_UPLOAD_MB": ("5", "max_upload_mb", 5),
    "IA_LLM_TIMEOUT_S": ("7.5", "llm_timeout_s", 7.5),
    "IA_SAMPLE_DIR": ("/srv/ia/sample", "sample_dir", Path("/srv/ia/sample")),
    "IA_COLLECTION": ("chunks_v2", "collection", "chunks_v2"),
    "IA_EMBEDDING_BATCH_SIZE": ("8", "embedding_batch_size", 8),
    "IA_TORCH_THREADS": ("2", "torch_threads", 2),
    "IA_MAX_CHUNKS_PER_DOCUMENT": ("500", "max_chunks_per_document", 500),
    "IA_RETENTION_DAYS": ("30", "retention_days", 30),
    "IA_FINGERPRINT_SALT": ("pepper", "fingerprint_salt", "pepper"),
    "IA_SESSION_HOURS": ("1.5", "session_hours", 1.5),
    "IA_ALLOW_OPEN": ("true", "allow_open", True),
}


def readme_settings() -> set[str]:
    """Every `IA_*` variable named in the README's settings table."""
    rows = [
        line
        for line in (REPO_ROOT / "README.md").read_text().splitlines()
        if line.startswith("| `IA_")
    ]
    assert rows, "the README's settings table is gone"
    return {name for row in rows for name in re.findall(r"`(IA_[A-Z_]+)`", row.split("|")[1])}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No IA_* variables, and a working directory with no `.env`."""
    for name in [n for n in os.environ if n.startswith("IA_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_every_setting_has_a_case() -> None:
    """A new setting (or a new row in the README's table) needs a row in CASES."""
    fields = {f"IA_{name.upper()}" for name in Settings.model_fields}
    assert fields - CASES.keys() == set()
    assert readme_settings() - CASES.keys() == set()


@pytest.mark.parametrize("variable", sorted(CASES))
def test_each_setting_is_read_from_the_environment(
    clean_env: pytest.MonkeyPatch, variable: str
) -> None:
    written, attribute, expected = CASES[variable]
    assert getattr(load_settings(), attribute) != expected
    clean_env.setenv(variable, written)
    assert getattr(load_settings(), attribute) == expected


def test_keys_take_the_documented_comma_form_and_blanks_mean_unset(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("IA_API_KEYS", " key1 , key2,, ")
    clean_env.setenv("IA_READONLY_API_KEYS", "")
    clean_env.setenv("IA_LLM_BASE_URL", "")
    settings = load_settings()
    assert settings.api_keys == ["key1", "key2"]
    assert settings.readonly_api_keys == []
    assert settings.llm_base_url is None


def test_defaults_put_the_store_under_the_working_directory(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = load_settings()
    assert settings.data_dir.resolve() == tmp_path / "data" / "store"
    assert (settings.answerer, settings.host, settings.port) == ("extractive", "127.0.0.1", 8000)


def test_a_dotenv_file_is_read_and_the_environment_wins(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("IA_ANSWERER=llm\nIA_PORT=9100\n")
    clean_env.setenv("IA_PORT", "9200")
    settings = load_settings()
    assert (settings.answerer, settings.port) == ("llm", 9200)


def test_every_bad_variable_is_named_on_one_line(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("IA_ANSWERER", "gpt")
    clean_env.setenv("IA_CHROMA_PORT", "70000")
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert "\n" not in message
    assert "IA_ANSWERER" in message and "'gpt'" in message and "IA_CHROMA_PORT" in message


# --- through the real command line ------------------------------------------------------------


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IA_")}
    return subprocess.run(
        [str(CLI), *args], env=clean | env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    ("variable", "value", "command"),
    [
        ("IA_ANSWERER", "gpt-4", ["ask", QUESTION]),
        ("IA_PORT", "eighty", ["serve", "--no-ui"]),
        ("IA_CHUNK_CHARS", "big", ["ingest", str(REPO_ROOT / "data" / "sample")]),
    ],
)
def test_a_bad_value_stops_the_command_with_one_line(
    tmp_path: Path, variable: str, value: str, command: list[str]
) -> None:
    result = cli(
        *command, env={variable: value, "IA_DATA_DIR": str(tmp_path / "store")}, cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: invalid setting:") and variable in line and repr(value) in line
    assert not (tmp_path / "store").exists()


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus ingested through the command line."""
    store = tmp_path_factory.mktemp("settings") / "store"
    result = run_cli(store, "ingest", str(REPO_ROOT / "data" / "sample"), "--quiet")
    assert result.returncode == 0, result.stderr
    return store


def test_the_question_limit_is_the_one_set(sample_store: Path, tmp_path: Path) -> None:
    env = {"IA_DATA_DIR": str(sample_store), "IA_MAX_QUESTION_CHARS": "30"}
    result = cli("ask", QUESTION, env=env, cwd=tmp_path)
    assert result.returncode == exit_code(TooLarge("")), result.stderr
    assert f"({len(QUESTION)} characters; the limit is 30)" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.fixture(scope="module")
def keyed_server(sample_store: Path) -> Iterator[str]:
    """`inspection-assistant serve` with its keys, host and port set only in its environment."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IA_")} | {
        "IA_DATA_DIR": str(sample_store),
        "IA_API_KEYS": "a,b",
        "IA_READONLY_API_KEYS": "c",
        "IA_HOST": "127.0.0.1",
        "IA_PORT": str(port),
    }
    log = sample_store.parent / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(CLI), "serve", "--no-ui"], env=env, cwd=sample_store.parent, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/healthz", server, 180, "serve", log.read_text)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_keys_from_the_environment_guard_the_real_server(keyed_server: str) -> None:
    def call(method: str, path: str, key: str | None = None, **kw: Any) -> int:
        headers = {"X-API-Key": key} if key else {}
        response = httpx.request(method, keyed_server + path, headers=headers, timeout=60, **kw)
        return response.status_code

    assert call("GET", "/v1/documents") == 401
    assert call("GET", "/v1/documents", "wrong") == 401
    assert call("GET", "/v1/documents", "a,b") == 401
    assert [call("GET", "/v1/documents", key) for key in "abc"] == [200, 200, 200]
    assert call("POST", "/v1/ask", "c", json={"question": QUESTION}) == 200
    assert call("DELETE", "/v1/documents/staffordshire-2021", "c") == 403
    assert call("GET", "/v1/documents/staffordshire-2021", "c") == 200
    assert call("DELETE", "/v1/documents/staffordshire-2021", "b") == 204
    assert call("GET", "/v1/documents/staffordshire-2021", "c") == 404
