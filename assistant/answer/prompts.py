"""Prompt templates live in the top-level `prompts` package as plain files, so they can be read
and changed without touching code."""

from __future__ import annotations

from prompts import load_prompt

__all__ = ["load_prompt"]
