"""Prompt templates live in `prompts/` as plain files, so they can be read and changed without
touching code."""

from __future__ import annotations

from functools import cache

from assistant.settings import REPO_ROOT

PROMPTS_DIR = REPO_ROOT / "prompts"


@cache
def load_prompt(name: str) -> str:
    return (PROMPTS_DIR / f"{name}.txt").read_text(encoding="utf-8").strip()
