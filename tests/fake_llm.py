"""A scripted OpenAI-compatible chat-completions server for tests (plain `http.server`).

Each request to `POST /v1/chat/completions` takes the next behaviour from a queue:

- `Reply(text)`: answer with `text`, as one JSON `chat.completion` or, when the request says
  `"stream": true`, as `chat.completion.chunk` SSE events (`data: {...}`) ending `data: [DONE]`;
- `Sleep(seconds)`: wait longer than the client's timeout before answering;
- `Fail(status)`: answer with an HTTP error (500 by default).

With the queue empty it replies `FakeLLM.default` (a refusal). Every request body is recorded in
`requests`, so tests can look at the prompt that was sent.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    text: str
    chunk_words: int = 2
    """How many words per streamed chunk."""


@dataclass
class Sleep:
    seconds: float
    text: str = "too late"


@dataclass
class Fail:
    status: int = 500
    message: str = "internal error"


Behaviour = Reply | Sleep | Fail


def _pieces(text: str, words: int) -> list[str]:
    """Split text into stream chunks that concatenate back to exactly `text`."""
    tokens = re.findall(r"\S+\s*|\s+", text)
    return ["".join(tokens[i : i + words]) for i in range(0, len(tokens), words)] or [""]


class FakeLLM:
    def __init__(self) -> None:
        self.queue: deque[Behaviour] = deque()
        self.requests: list[dict[str, Any]] = []
        self.default: Behaviour = Reply("The documents don't cover this.")
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep pytest output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.requests.append(body)
                    behaviour = fake.queue.popleft() if fake.queue else fake.default
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                if isinstance(behaviour, Fail):
                    self._json(
                        behaviour.status,
                        {"error": {"message": behaviour.message, "type": "server_error"}},
                    )
                    return
                if isinstance(behaviour, Sleep):
                    time.sleep(behaviour.seconds)
                    behaviour = Reply(behaviour.text)
                try:
                    if body.get("stream"):
                        self._stream(body, behaviour)
                    else:
                        self._json(200, _completion(body, behaviour.text))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any], reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                base = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": body.get("model", "fake"),
                }
                first = {"role": "assistant", "content": ""}
                events = [{"index": 0, "delta": first, "finish_reason": None}]
                events += [
                    {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                    for piece in _pieces(reply.text, reply.chunk_words)
                ]
                events.append({"index": 0, "delta": {}, "finish_reason": "stop"})
                for choice in events:
                    self._event({**base, "choices": [choice]})
                if (body.get("stream_options") or {}).get("include_usage"):
                    self._event({**base, "choices": [], "usage": _usage(reply.text)})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _event(self, payload: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # scripting -------------------------------------------------------------------------

    def script(self, *behaviours: Behaviour | str) -> None:
        """Queue behaviours (a plain string means `Reply(string)`), replacing what was left."""
        with self._lock:
            self.queue = deque(Reply(b) if isinstance(b, str) else b for b in behaviours)
            self.requests.clear()

    def messages(self, index: int = -1) -> list[dict[str, Any]]:
        return list(self.requests[index]["messages"])

    def start(self) -> FakeLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _usage(text: str) -> dict[str, int]:
    n = len(text.split())
    return {"prompt_tokens": 10, "completion_tokens": n, "total_tokens": 10 + n}


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(text),
    }
