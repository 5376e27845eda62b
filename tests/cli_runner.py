"""Run the real command line (`python -m assistant …`) in a subprocess against a given store,
with no IA_* settings leaking in from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_cli(
    data_dir: Path,
    *args: str,
    stdin: str | None = None,
    cwd: Path = REPO_ROOT,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IA_")}
    env["IA_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )
