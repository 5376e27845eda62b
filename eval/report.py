"""The eval's outputs: a terminal table and a self-contained HTML report with bar charts (inline
SVG, so it opens anywhere, offline)."""

from __future__ import annotations

import html
from pathlib import Path

from eval.harness import EvalRun
from eval.metrics import METRICS, QuestionResult, failures

_RATE_METRICS = [m for m in METRICS if not m.startswith("latency")]
_LOWER_IS_BETTER = {"false_refusal_rate", "latency_ms_p50", "latency_ms_p95"}


def fmt(value: float | None, metric: str) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if metric.startswith("latency") else f"{value:.3f}"


def mean_chars(results: list[QuestionResult]) -> float:
    """Mean answer length: key_fact_recall rewards long answers, so read the two together."""
    return sum(len(r.answer) for r in results) / len(results) if results else 0.0


def table(run: EvalRun) -> str:
    """The metric table, ours beside the baseline when there is one."""
    header = f"{'metric':<24}{'ours':>10}" + (f"{'baseline':>10}" if run.baseline else "")
    lines = [header, "-" * len(header)]
    for metric in METRICS:
        row = f"{metric:<24}{fmt(run.metrics[metric], metric):>10}"
        if run.baseline:
            row += f"{fmt(run.baseline[metric], metric):>10}"
        lines.append(row)
    answerable = sum(r.answerable for r in run.results)
    length = f"mean answer length: {mean_chars(run.results):.0f} characters"
    if run.baseline_results:
        length += f" (baseline {mean_chars(run.baseline_results):.0f})"
    lines.append(f"\n{len(run.results)} questions ({answerable} answerable); {length}")
    return "\n".join(lines)


def _bars(title: str, groups: dict[str, dict[str, float | None]], series: list[str]) -> str:
    """A grouped horizontal bar chart: one group per category, one bar per series, 0..1."""
    colours = ["#1f6feb", "#9aa4af"]
    row_h, bar_h, left, width = 16 * len(series) + 10, 14, 190, 360
    height = row_h * len(groups) + 30
    parts = [
        f'<svg width="{left + width + 60}" height="{height}" role="img" aria-label="{html.escape(title)}">'
    ]
    for gi, (group, values) in enumerate(groups.items()):
        y0 = 20 + gi * row_h
        parts.append(
            f'<text x="{left - 8}" y="{y0 + 12}" text-anchor="end" font-size="12">{html.escape(group)}</text>'
        )
        for si, name in enumerate(series):
            value = values.get(name)
            w = 0 if value is None else max(0.0, min(1.0, value)) * width
            y = y0 + si * 16
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colours[si % 2]}"/>'
            )
            label = "–" if value is None else f"{value:.2f}"
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 11}" font-size="11">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _failure_rows(results: list[QuestionResult]) -> str:
    rows = []
    for r in results:
        problems = failures(r)
        if not problems:
            continue
        rows.append(
            "<tr>"
            f"<td>{html.escape(r.id)}</td><td>{html.escape(r.category)}</td>"
            f"<td>{html.escape(str(r.details.get('question', '')))}</td>"
            f"<td>{html.escape('; '.join(problems))}</td>"
            f"<td>{html.escape(r.expected)}<br><small>key facts: {html.escape(', '.join(r.key_facts))}</small></td>"
            f"<td><pre>{html.escape(r.answer)}</pre></td>"
            "</tr>"
        )
    return "".join(rows)


def write_html(run: EvalRun, directory: Path, title: str = "Inspection Assistant — eval") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    metric_rows = "".join(
        f"<tr><td>{m}</td><td>{fmt(run.metrics[m], m)}</td>"
        + (f"<td>{fmt(run.baseline[m], m)}</td>" if run.baseline else "")
        + f"<td>{'lower is better' if m in _LOWER_IS_BETTER else ''}</td></tr>"
        for m in METRICS
    )
    series = ["ours", "baseline"] if run.baseline else ["ours"]
    charts = []
    for metric in ("hit@5", "key_fact_recall", "cited_source_recall", "mrr@10"):
        groups = {
            category: {
                "ours": values[metric],
                "baseline": (run.baseline_by_category or {}).get(category, {}).get(metric),
            }
            for category, values in run.by_category.items()
        }
        charts.append(f"<h3>{metric} by category</h3>" + _bars(metric, groups, series))
    headline = {
        m: {"ours": run.metrics[m], "baseline": (run.baseline or {}).get(m)} for m in _RATE_METRICS
    }
    failures_html = _failure_rows(run.results)
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ddd;padding:4px 8px;vertical-align:top}}pre{{white-space:pre-wrap;margin:0;max-width:420px}}
.legend span{{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{len(run.results)} questions, {sum(r.answerable for r in run.results)} answerable.
Mean answer length {mean_chars(run.results):.0f} characters{f" (baseline {mean_chars(run.baseline_results):.0f})" if run.baseline_results else ""}:
key_fact_recall rewards long answers.
<span class="legend"><span style="background:#1f6feb"></span>ours
{'<span style="background:#9aa4af"></span>baseline (LangChain tutorial recipe)' if run.baseline else ""}</span></p>
<h2>Metrics</h2><table><tr><th>metric</th><th>ours</th>{"<th>baseline</th>" if run.baseline else ""}<th></th></tr>{metric_rows}</table>
<h2>Overview</h2>{_bars("overall", headline, series)}
<h2>By category</h2>{"".join(charts)}
<h2>Failures</h2><table><tr><th>id</th><th>category</th><th>question</th><th>problem</th><th>expected</th><th>answer</th></tr>
{failures_html or '<tr><td colspan="6">none</td></tr>'}</table>
</body></html>"""
    path = directory / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
