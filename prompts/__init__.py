"""Prompt templates as plain text files, shipped as package data so a wheel install has them."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def load_prompt(name: str) -> str:
    """The template `prompts/<name>.txt`, read through importlib.resources."""
    return files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8").strip()
