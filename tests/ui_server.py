"""Serve the product's own app (`create_app`: the API with the Gradio UI mounted at "/") with
uvicorn in a background thread on 127.0.0.1 and a free port, for browser tests."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import uvicorn

from assistant.api.main import create_app
from assistant.core import Assistant


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class UIServer:
    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.port = 0
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout_s: float = 60.0) -> None:
        app = create_app(self.assistant, with_ui=True, warm=False)
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="ui-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.thread.is_alive():
                raise RuntimeError("the UI server thread exited before it was ready")
            try:
                if httpx.get(self.url, timeout=2.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the UI server did not answer on {self.url} within {timeout_s}s")

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=15)
        self.server = None
        self.thread = None
