"""Moodle GIFT: escaping, and a small parser that reads back what `exporters.to_gift` writes
(multiple choice, multiple answer with weights, true/false, short answer, matching; per-answer
feedback and general feedback)."""

from __future__ import annotations

import html
import re
from typing import Any

SPECIAL = "~=#{}:"
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def escape(text: str) -> str:
    """Backslash-escape GIFT's special characters (and the backslash itself); one line. Report
    text is data: `& < >` become entities, so Moodle shows them and never runs them as HTML."""
    text = html.escape(" ".join(text.split()), quote=False)
    out = text.replace("\\", "\\\\")
    for ch in SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out


def unescape(text: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def _split(text: str, separators: str) -> list[tuple[str, str]]:
    """Split at unescaped separator characters: [(separator before, piece), ...]."""
    pieces: list[tuple[str, str]] = []
    current, sep, i = [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch in separators:
            pieces.append((sep, "".join(current)))
            current, sep = [], ch
        else:
            current.append(ch)
        i += 1
    pieces.append((sep, "".join(current)))
    return pieces


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    i = start
    while i <= len(text) - len(target):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def _blocks(text: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
    blocks, current = [], []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def parse_gift(text: str) -> list[dict[str, Any]]:
    """Each question as {title, type, stem, options, answer, feedback, general_feedback}.

    `answer` is the right option's index for mcq and true_false (options "True", "False"),
    and the list of accepted answers for short; `feedback` runs parallel to `options`."""
    questions = []
    for block in _blocks(text):
        title = ""
        body = block.strip()
        if body.startswith("::"):
            end = _find_unescaped(body, "::", 2)
            title, body = unescape(body[2:end]), body[end + 2 :]
        open_at = _find_unescaped(body, "{")
        close_at = _find_unescaped(body, "}", open_at + 1)
        if open_at < 0 or close_at < 0:
            continue  # a description, not a question
        stem = unescape(" ".join(body[:open_at].split()))
        inner = body[open_at + 1 : close_at]
        general = ""
        at = _find_unescaped(inner, "####")
        if at >= 0:
            inner, general = inner[:at], unescape(inner[at + 4 :].strip())
        question: dict[str, Any] = {"title": title, "stem": stem, "general_feedback": general}
        head = _split(inner.strip(), "#")
        if head[0][1].strip().upper() in _TF:
            truth = _TF[head[0][1].strip().upper()]
            wrong = unescape(head[1][1].strip()) if len(head) > 1 else ""
            right = unescape(head[2][1].strip()) if len(head) > 2 else ""
            question |= {
                "type": "true_false",
                "options": ["True", "False"],
                "answer": 0 if truth else 1,
                "feedback": [right, wrong] if truth else [wrong, right],
            }
        else:
            answers = [(sep, piece) for sep, piece in _split(inner, "=~") if sep]
            options, feedback, right_idx, weights = [], [], [], []
            for sep, piece in answers:
                parts = _split(piece, "#")
                text = parts[0][1].strip()
                weight = _WEIGHT.match(text)
                if weight:
                    text = text[weight.end() :]
                    weights.append(float(weight.group(1)))
                options.append(unescape(text.strip()))
                feedback.append(unescape("#".join(p for _, p in parts[1:]).strip()))
                if sep == "=" or (weight and float(weight.group(1)) > 0):
                    right_idx.append(len(options) - 1)
            if options and all(o.count(" -> ") == 1 for o in options):
                matched = [o.split(" -> ") for o in options]
                question |= {
                    "type": "ordering",
                    "options": [a.strip() for a, _ in matched],
                    "answer": [int(b) for _, b in matched],
                    "feedback": [],
                }
            elif weights:
                question |= {
                    "type": "multi",
                    "options": options,
                    "answer": right_idx,
                    "weights": weights,
                    "feedback": feedback,
                }
            elif all(sep == "=" for sep, _ in answers):
                question |= {"type": "short", "options": [], "answer": options, "feedback": []}
            else:
                question |= {
                    "type": "mcq",
                    "options": options,
                    "answer": right_idx[0] if right_idx else None,
                    "feedback": feedback,
                }
        questions.append(question)
    return questions
