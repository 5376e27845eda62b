"""A wheel install, not the editable one: build the wheel, install it into a fresh virtualenv and
use the command line from a directory outside the checkout.

The new virtualenv borrows the project venv's third-party packages through a `.pth` file of plain
path lines (which run none of that venv's editable-install hooks), so nothing is downloaded and
torch is not installed twice; our own packages come only from the wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "assistant", "ingest", "eval", "ui", "prompts"]


def run(*cmd: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IA_") and k != "PYTHONPATH"}
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build_wheel(tmp: Path) -> Path:
    """From a copy of the sources, so no `build/` folder is left (or reused) in the checkout."""
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        if (REPO_ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(REPO_ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy2(REPO_ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    opts = ["--no-deps", "--no-build-isolation", "--no-index", "-q"]
    ok(run(*pip, "wheel", *opts, "-w", tmp / "dist", src, cwd=tmp))
    (wheel,) = (tmp / "dist").glob("inspection_assistant-*.whl")
    return wheel


def fresh_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    ok(run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp))
    python = venv / "bin" / "python"
    site = ok(run(python, "-c", "import site; print(site.getsitepackages()[0])", cwd=tmp))
    borrowed = sysconfig.get_paths()["purelib"]
    (Path(site.strip()) / "project-venv-packages.pth").write_text(borrowed + "\n")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", python]
    ok(run(*pip, "install", "--no-deps", "--no-index", "-q", wheel, cwd=tmp))
    return venv


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(virtualenv, an empty working directory outside the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    venv = fresh_venv(tmp, build_wheel(tmp))
    work = tmp / "work"
    work.mkdir()
    return venv, work


def test_the_wheel_carries_the_package_data(installed: tuple[Path, Path]) -> None:
    venv, work = installed
    python = venv / "bin" / "python"
    code = "import assistant, prompts; print(assistant.__file__); print(prompts.__file__)"
    for where in ok(run(python, "-c", code, cwd=work)).split():
        assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(REPO_ROOT)
    load = "from prompts import load_prompt; print(load_prompt('answer_system'))"
    assert "cite" in ok(run(python, "-c", load, cwd=work)).lower()
    shipped = (
        "from importlib.resources import files; "
        "print(files('assistant.retrieve').joinpath('glossary.json').is_file(), "
        "files('eval').joinpath('thresholds.json').is_file(), "
        "*sorted(p.name for p in files('eval').joinpath('gold').iterdir()))"
    )
    assert ok(run(python, "-c", shipped, cwd=work)).split() == [
        "True",
        "True",
        *sorted(p.name for p in (REPO_ROOT / "eval" / "gold").iterdir()),
    ]


def test_ingest_and_ask_from_outside_the_checkout(installed: tuple[Path, Path]) -> None:
    venv, work = installed
    cli = venv / "bin" / "inspection-assistant"
    ingested = ok(run(cli, "ingest", REPO_ROOT / "data" / "sample", "--quiet", cwd=work))
    assert "2 added" in ingested, ingested
    assert (work / "data" / "store" / "assistant.sqlite3").is_file()
    assert (work / "data" / "store" / "chroma").is_dir()
    answer = ok(
        run(
            cli,
            "ask",
            "what should officers record when they use police protection powers?",
            cwd=work,
        )
    )
    assert "Sources:" in answer and "[1] Staffordshire" in answer, answer


def test_ingest_with_no_path_says_what_to_pass(installed: tuple[Path, Path]) -> None:
    venv, work = installed
    result = run(venv / "bin" / "inspection-assistant", "ingest", cwd=work)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "no sample corpus" in result.stderr and "inspection-assistant ingest" in result.stderr
    assert "Traceback" not in result.stderr
