"""A real server for tests: uvicorn serving an app on 127.0.0.1:<free port> in a daemon thread
(the API suites and the browser tests all use it); and the wait for a server another process
runs (`serve`, `chroma run`, llama.cpp) to answer."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable

import httpx
import pytest
import uvicorn
from fastapi import FastAPI


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(
    url: str,
    process: subprocess.Popen[bytes] | subprocess.Popen[str],
    timeout_s: float,
    what: str,
    log: Callable[[], str] = lambda: "",
    accept: tuple[int, ...] = (200,),
    every_s: float = 0.2,
) -> None:
    """Poll `url` until it answers with a status in `accept`; fail the test, with the log's
    tail, when `process` exits first or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{log()}")
        try:
            if httpx.get(url, timeout=2.0).status_code in accept:
                return
        except httpx.HTTPError:
            pass
        time.sleep(every_s)
    pytest.fail(f"{what} did not come up within {timeout_s:.0f}s:\n{log()}")


class LiveServer:
    """Use as a context manager: the server is up on entry and stopped on exit."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="test-server")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
