"""Helpers of the security suite: the real server as a subprocess, started the way an operator
starts it (`python -m assistant serve`, keys and data directory in the environment)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from live_server import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
FULL, FULL_2, READONLY = "key-full-a", "key-full-b", "key-readonly-c"


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IA_")}
    env.update(
        IA_API_KEYS=f"{FULL},{FULL_2}",
        IA_READONLY_API_KEYS=READONLY,
        IA_DATA_DIR=str(data_dir),
        IA_TORCH_THREADS="1",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


class Served:
    """One `serve` process on a free loopback port over `data_dir`."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready: bool = True) -> Served:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "assistant", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=env_for(self.data_dir),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(
            f"{self.url}/readyz",
            self.process,
            180,
            "serve",
            lambda: self.log.read_text()[-3000:],
            accept=(200,) if ready else (200, 503),
            every_s=0.3,
        )
        return self

    def client(self, key: str | None = FULL, timeout: float = 120) -> httpx.Client:
        headers = {"X-API-Key": key} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def signal(self, sig: int) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_job(client: httpx.Client, job_id: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']}")


def gradio_call(client: httpx.Client, api_name: str, data: list) -> tuple[int, str]:
    """Call a UI event through Gradio's HTTP API; (status of the call, the event stream)."""
    r = client.post(f"/gradio_api/call/{api_name}", json={"data": data})
    if r.status_code != 200:
        return r.status_code, r.text
    stream = client.get(f"/gradio_api/call/{api_name}/{r.json()['event_id']}")
    return stream.status_code, stream.text
