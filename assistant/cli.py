"""Command line: `inspection-assistant COMMAND ...` (also `python -m assistant`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from assistant.domain.errors import (
    AssistantError,
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    TooLarge,
    Unavailable,
    most_specific,
)
from assistant.domain.records import Answer, ScoredChunk, SearchFilters, SectionKind, place
from assistant.settings import SettingsError

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _COMMANDS[name] = handler
        return handler

    return register


def _assistant():
    from assistant.core import Assistant

    return Assistant()


def snippet(text: str, width: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rsplit(" ", 1)[0] + "…"


def _filters(args: argparse.Namespace) -> SearchFilters:
    return SearchFilters(
        doc_ids=args.doc or [],
        years=args.year or [],
        forces=args.force or [],
        section_kinds=[SectionKind(k) for k in (args.kind or [])],
    )


def _add_filter_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--doc", action="append", help="restrict to a document id (repeatable)")
    parser.add_argument("--year", action="append", type=int, help="restrict to a year (repeatable)")
    parser.add_argument("--force", action="append", help="restrict to a force, e.g. Cheshire")
    parser.add_argument(
        "--kind",
        action="append",
        choices=[k.value for k in SectionKind],
        metavar="KIND",
        help="restrict to a section kind: " + ", ".join(k.value for k in SectionKind),
    )


def _sample_dir() -> Path:
    """The bundled sample corpus, which a source checkout has and a wheel install does not."""
    from assistant.settings import get_settings

    sample_dir = get_settings().sample_dir
    if not sample_dir.is_dir():
        raise InvalidRequest(
            f"no path given and no sample corpus at {sample_dir} (it comes with a source "
            "checkout, not the wheel): pass files or folders, e.g. "
            "`inspection-assistant ingest my-reports/`"
        )
    return sample_dir


@command("ingest")
def cmd_ingest(args: argparse.Namespace) -> int:
    paths = args.paths or [_sample_dir()]
    assistant = _assistant()
    report = assistant.ingest(
        [Path(p) for p in paths], prune=args.prune, progress=not args.quiet, replace=args.replace
    )
    same = dict(report.same_as)
    renamed = {given: natural for natural, given in report.renamed}
    for file, doc_id in report.chose:
        note = ""
        if file in same:
            note = "  (the same report is already stored: unchanged)"
        elif doc_id in renamed:
            note = f"  ('{renamed[doc_id]}' is another document's id)"
        print(f"{file} → {doc_id}{note}")
    print(report.summary())
    if report.interrupted:
        return 130
    return 1 if report.failed else 0


@command("docs")
def cmd_docs(args: argparse.Namespace) -> int:
    assistant = _assistant()
    documents = assistant.documents()
    if args.json:
        print(json.dumps([d.model_dump() for d in documents], indent=2))
        return 0
    if not documents:
        print("No documents yet. Run `inspection-assistant ingest PATH` (or `make run`).")
        return 0
    counts = assistant.library.chunk_counts()
    for doc in documents:
        sections = assistant.sections(doc.doc_id)
        grades = ", ".join(f"{j.area}: {j.grade}" for j in doc.judgments) or "ungraded"
        guidance = "; ".join(f"{g.title} {g.edition or ''}".strip() for g in doc.guidance)
        print(f"{doc.doc_id}  {doc.title}")
        print(
            f"    {doc.inspection_period or '?'} · published {doc.published or '?'} · "
            f"{len(sections)} sections · {counts.get(doc.doc_id, 0)} chunks"
        )
        print(
            textwrap.fill(
                f"grades: {grades}", 100, initial_indent="    ", subsequent_indent="      "
            )
        )
        if guidance:
            print(f"    guidance: {guidance}")
    return 0


@command("show")
def cmd_show(args: argparse.Namespace) -> int:
    assistant = _assistant()
    doc = assistant.document(args.doc_id)
    sections = assistant.sections(doc.doc_id)
    if args.json:
        print(
            json.dumps(
                {"document": doc.model_dump(), "sections": [s.model_dump() for s in sections]},
                indent=2,
            )
        )
        return 0
    print(f"{doc.title} ({doc.doc_id})")
    for section in sections:
        extras = [section.kind.value]
        if section.grade:
            extras.append(f"grade: {section.grade}")
        if section.page:
            extras.append(f"p. {section.page}")
        print(f"{'  ' * section.level}{section.heading}  [{', '.join(extras)}]")
    return 0


def print_hits(hits: list[ScoredChunk]) -> None:
    for rank, hit in enumerate(hits, start=1):
        chunk = hit.chunk
        print(f"{rank}. [{hit.score:.3f}] {place(hit.doc_label, chunk.section_path, chunk.page)}")
        print(
            textwrap.fill(
                snippet(chunk.text), 100, initial_indent="     ", subsequent_indent="     "
            )
        )


@command("search")
def cmd_search(args: argparse.Namespace) -> int:
    hits = _assistant().search(args.query, k=args.k, filters=_filters(args))
    if args.json:
        print(json.dumps([h.model_dump(mode="json") for h in hits], indent=2))
    elif not hits:
        print("No matching passages.")
    else:
        print_hits(hits)
    return 0


def format_answer(answer: Answer, show_rewrite: bool = True) -> str:
    lines = []
    if show_rewrite and answer.standalone_question != answer.question:
        lines.append(f"(understood as: {answer.standalone_question})\n")
    if answer.answerer.endswith("(fallback)") and answer.reason:
        lines.append(f"(the LLM's answer was not used: {answer.reason})\n")
    lines.append(answer.text)
    if answer.citations:
        lines.append("\nNearest passages:" if answer.refused else "\nSources:")
        for c in answer.citations:
            quote = snippet(c.quote, 400)
            lines.append(f'[{c.n}] {c.where} — "{quote}"')
    return "\n".join(lines)


@command("ask")
def cmd_ask(args: argparse.Namespace) -> int:
    answer = _assistant().ask(args.question, filters=_filters(args), answerer=args.answerer)
    if args.json:
        print(answer.model_dump_json(indent=2, exclude={"passages"}))
    else:
        print(format_answer(answer))
    return 0


@command("chat")
def cmd_chat(args: argparse.Namespace) -> int:
    assistant = _assistant()
    conversation = assistant.conversations.create()
    last: Answer | None = None
    print("Ask about the reports. /new starts over, /sources shows the last sources, /quit ends.")
    while True:
        try:
            line = input("you> ").strip()
        except EOFError:
            print()
            return 0
        if not line:
            continue
        if line in ("/quit", "/exit"):
            return 0
        if line == "/new":
            conversation, last = assistant.conversations.create(), None
            print("(new conversation)")
            continue
        if line == "/sources":
            print(format_answer(last).split("\nSources:", 1)[-1] if last else "(no answer yet)")
            continue
        try:
            last = assistant.ask(
                line, conversation_id=conversation, filters=_filters(args), answerer=args.answerer
            )
        except AssistantError as error:
            print(f"error: {error}")
            continue
        print(format_answer(last))


@command("eval")
def cmd_eval(args: argparse.Namespace) -> int:
    from eval.gold import GoldFileError, load_gold
    from eval.harness import EvalError, evaluate
    from eval.report import table, write_html

    try:
        questions = load_gold(Path(args.gold))
    except (GoldFileError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    assistant = _assistant()
    try:
        run = evaluate(assistant, questions, args.answerer, args.baseline, progress=not args.quiet)
    except EvalError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(table(run))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(run.to_json(), indent=2), encoding="utf-8")
        print(f"wrote {args.json}")
    if args.report:
        print(f"wrote {write_html(run, Path(args.report))}")
    return 0


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_host(host: str, keyed: bool, allow_open: bool) -> tuple[str, str]:
    """Where to listen, and the line that says why: with no API keys anyone who can reach the
    server can read and change everything, so it stays on loopback unless told otherwise."""
    if keyed:
        return host, "API keys required on every data route, the web app included"
    if _is_loopback(host):
        return host, "no API keys configured: open to this machine only (loopback)"
    if allow_open:
        return host, f"WARNING: no API keys configured and listening on {host}: open to anyone"
    return "127.0.0.1", (
        f"no API keys configured: listening on 127.0.0.1 only, not {host} "
        "(set IA_API_KEYS, or pass --allow-open)"
    )


@command("serve")
def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.server import create_server

    assistant = _assistant()
    settings = assistant.settings
    host, mode = serve_host(
        args.host or settings.host, settings.keyed, args.allow_open or settings.allow_open
    )
    port = args.port or settings.port
    if args.workers > 1 and not settings.chroma_host:
        raise InvalidRequest(
            f"--workers {args.workers} needs a Chroma server shared by the processes: start one "
            "(chroma run --path DIR --port 8001) and set IA_CHROMA_HOST and IA_CHROMA_PORT; "
            "the embedded store serves one process"
        )
    recovered = assistant.library.recover_jobs()
    app = create_server(assistant, with_ui=not args.no_ui)
    library = assistant.library

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            """On SIGTERM or Ctrl-C, cancel a running ingest at its next chunk batch (the
            document is left as it was), so shutdown takes seconds, not the whole ingest."""
            library.cancel()
            super().handle_exit(sig, frame)

    print(f"Inspection Assistant on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    print(mode)
    if recovered:
        print(f"{len(recovered)} interrupted upload job(s) marked failed and their files removed")
    sys.stdout.flush()
    if args.workers > 1:
        # Each worker's encoder gets its share of the cores (unless set): oversubscribed
        # threads made two workers slower than one on a 2-core machine.
        share = max(1, (os.cpu_count() or 1) // args.workers)
        os.environ.setdefault("IA_TORCH_THREADS", str(settings.torch_threads or share))
        factory = "assistant.cli:worker_api" if args.no_ui else "assistant.cli:worker_app"
        uvicorn.run(
            factory, factory=True, workers=args.workers, host=host, port=port, log_level="warning"
        )
        return 0
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=10
    )
    Server(config).run()
    return 0


def worker_app() -> Any:
    """One worker of `serve --workers N` (API and UI): each process opens the shared store."""
    from assistant.server import create_server

    return create_server(_assistant())


def worker_api() -> Any:
    from assistant.server import create_server

    return create_server(_assistant(), with_ui=False)


@command("quiz")
def cmd_quiz(args: argparse.Namespace) -> int:
    from assistant.quiz.exporters import export

    result = _assistant().quiz.run(
        topic=args.topic,
        section=args.section,
        doc_ids=args.doc or [],
        chapters=args.chapter or [],
        n=args.n,
        types=args.types,
        kinds=args.kinds,
        difficulty=args.difficulty,
        seed=args.seed,
        writer=args.writer,
    )
    title = f"Quiz: {args.topic or args.section or ', '.join(args.chapter or args.doc or [])}"
    text = export(result.questions, args.format, title)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    for reason in result.rejected:
        print(f"note: {reason}", file=sys.stderr)
    print(result.report() if args.report else result.summary(args.output or None), file=sys.stderr)
    return 0


_DETAIL_WIDTH = 20


def _finding_detail(finding) -> str:
    """The type-specific field a lead scans for: timescale, grade, practice (and incidents)."""
    if finding.timescale or finding.grade:
        return finding.timescale or finding.grade
    if finding.practice:
        many = f", {finding.incidents} incidents" if (finding.incidents or 1) > 1 else ""
        return f"{finding.practice} practice{many}"
    return ""


def _finding_head(finding, width: int = 70) -> str:
    from assistant.services.findings import gist

    head = gist(finding)
    head = head[:1].upper() + head[1:]
    if finding.type.value == "headline_figure" and finding.sub_points:
        head = f"{head}: {'; '.join(finding.sub_points)}"
    return snippet(head, width)


@command("findings")
def cmd_findings(args: argparse.Namespace) -> int:
    import csv

    queries = _assistant().findings
    docs = args.doc
    if args.force or args.since or args.until:
        chosen = queries.documents_for(args.force, args.since, args.until)
        docs = [d for d in chosen if not args.doc or d in args.doc]
    found = queries.list_findings(docs, args.type, args.topic, args.k)
    if args.json:
        print(json.dumps([f.model_dump(mode="json") for f in found], indent=2))
        return 0
    if args.csv:
        fields = ["doc_id", "type", "timescale", "grade", "practice", "incidents", "title"]
        fields += ["section_path", "page", "start", "end", "sub_points", "finding_id"]
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([*fields, "score"])
        for scored in found:
            row = scored.finding.model_dump(mode="json")
            row["section_path"] = " › ".join(row["section_path"])
            row["sub_points"] = " | ".join(row["sub_points"])
            writer.writerow([*(row[f] for f in fields), scored.score])
        return 0
    if not found:
        print("No findings." if not args.topic else f"No findings about {args.topic!r}.")
        return 0
    current = None
    for scored in found:
        finding = scored.finding
        if finding.doc_id != current and not args.topic:
            current = finding.doc_id
            count = sum(1 for f in found if f.finding.doc_id == current)
            print(f"\n{scored.doc_label} ({current}): {count} findings")
        label = scored.doc_label if args.topic else ""
        score = f"[{scored.score:.2f}] " if scored.score is not None else ""
        print(
            f"  {score}{finding.type.value.replace('_', ' '):<21}"
            f"{_finding_detail(finding):<{_DETAIL_WIDTH}} {_finding_head(finding)}"
        )
        print(f"      {place(label, finding.section_path, finding.page)}")
    return 0


def format_comparison(comparison) -> str:
    lines = [
        f'Comparing "{comparison.topic}": {comparison.a.doc_label} and {comparison.b.doc_label}'
    ]
    for side in (comparison.a, comparison.b):
        lines.append(f"\n== {side.doc_label} ({side.doc_id}) ==")
        lines.append("Findings:" if side.findings else "Findings: none on this topic")
        for cited in side.findings:
            finding = cited.finding
            detail = _finding_detail(finding)
            kind = finding.type.value.replace("_", " ") + (f", {detail}" if detail else "")
            lines.append(f"  [{cited.citation.n}] ({kind}) {_finding_head(finding, 90)}")
        lines.append("Key passages:" if side.passages else "Key passages: none")
        for c in side.passages:
            lines.append(f'  [{c.n}] "{snippet(c.quote, 200)}"')
    lines.append("\nWhat changed (a reading of the wording, not a verdict; check the sources):")
    if not comparison.changes:
        lines.append("  nothing to pair on this topic")
    for change in comparison.changes:
        lines.append(
            textwrap.fill(change.statement, 100, initial_indent="  - ", subsequent_indent="    ")
        )
    lines.append("\nSources:")
    for c in comparison.citations:
        lines.append(f'[{c.n}] {c.where} — "{snippet(c.quote, 300)}"')
    return "\n".join(lines)


@command("compare")
def cmd_compare(args: argparse.Namespace) -> int:
    queries = _assistant().findings
    doc_a, doc_b = args.doc_a, args.doc_b
    if not doc_b:
        if not args.force:
            raise InvalidRequest("name two reports, or a force with --force (and --from/--to)")
        reports = queries.documents_for(args.force, args.since, args.until)
        if len(reports) < 2:
            raise InvalidRequest(f"only one report in that range: {', '.join(reports)}")
        doc_a, doc_b = reports[0], reports[-1]
    comparison = queries.compare(args.topic, doc_a, doc_b)
    if args.json:
        print(comparison.model_dump_json(indent=2))
    else:
        print(format_comparison(comparison))
    return 0


def _add_range_args(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--force", action="append", help=f"a force, e.g. Cheshire ({what})")
    p.add_argument("--from", dest="since", type=int, metavar="YEAR", help="reports from YEAR")
    p.add_argument("--to", dest="until", type=int, metavar="YEAR", help="reports up to YEAR")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspection-assistant",
        description="Ask questions of inspection reports; answers cite the report section.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "ingest", help="ingest files or folders (default: the bundled sample corpus)"
    )
    p.add_argument("paths", nargs="*", help="files or folders (.txt .md .pdf .docx .html)")
    p.add_argument("--prune", action="store_true", help="drop documents whose files are gone")
    p.add_argument(
        "--replace", action="store_true", help="a new file for a document already held replaces it"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("docs", help="list documents with sections, chunks and grades")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", help="show a document's section tree")
    p.add_argument("doc_id")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="top passages for a query, with section paths")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--json", action="store_true")
    _add_filter_args(p)

    p = sub.add_parser("ask", help="answer a question with cited passages")
    p.add_argument("question")
    p.add_argument("--answerer", choices=["extractive", "llm"], help="default: IA_ANSWERER")
    p.add_argument("--json", action="store_true")
    _add_filter_args(p)

    p = sub.add_parser("eval", help="score answers against a gold file (see eval/README)")
    p.add_argument("--gold", required=True, help="gold questions (JSON Lines)")
    p.add_argument("--answerer", choices=["extractive", "llm"])
    p.add_argument(
        "--baseline", action="store_true", help="also score the LangChain-tutorial baseline"
    )
    p.add_argument("--json", metavar="OUT", help="write metrics and per-question results as JSON")
    p.add_argument("--report", metavar="DIR", help="write an HTML report with charts")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("serve", help="serve the API and the web UI")
    p.add_argument("--host", help="default: IA_HOST or 127.0.0.1")
    p.add_argument("--port", type=int, help="default: IA_PORT or 8000")
    p.add_argument("--no-ui", action="store_true", help="the JSON API only")
    p.add_argument(
        "--allow-open",
        action="store_true",
        help="with no API keys, listen on --host even if it is not loopback (IA_ALLOW_OPEN)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (more than 1 needs a Chroma server: IA_CHROMA_HOST)",
    )

    p = sub.add_parser("chat", help="an interactive conversation (follow-ups keep context)")
    p.add_argument("--answerer", choices=["extractive", "llm"])
    _add_filter_args(p)

    p = sub.add_parser("quiz", help="build a quiz for trainers (GIFT, Moodle XML, CSV, Markdown)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--topic", help="quiz on the passages a search for TEXT finds")
    what.add_argument("--section", help="quiz on a section: its id (s012) or part of its heading")
    p.add_argument("--doc", action="append", help="restrict to a document id (repeatable)")
    p.add_argument(
        "--chapter", action="append", help="restrict to a chapter: its heading or part of it"
    )
    p.add_argument("--n", type=int, default=10, help="number of questions (default 10)")
    p.add_argument(
        "--types",
        default="mcq,true_false,multi,ordering",
        help="mcq,true_false,short,multi,ordering (default mcq,true_false,multi,ordering)",
    )
    p.add_argument(
        "--kinds",
        help="only these kinds: practice,scenario,finding,multi_select,ordering,figure,"
        "timescale,term (default: the trainer's mix)",
    )
    p.add_argument(
        "--difficulty",
        choices=["easy", "hard"],
        default="easy",
        help="easy: distractors from other chapters; hard: from the same chapter",
    )
    p.add_argument(
        "--report",
        action="store_true",
        help="print the kind mix, difficulty and what the item checks dropped",
    )
    p.add_argument("--seed", type=int, default=0, help="same seed, same quiz (default 0)")
    p.add_argument("--format", choices=["gift", "moodle-xml", "csv", "md"], default="gift")
    p.add_argument("-o", "--output", help="write to FILE (default: stdout)")
    p.add_argument(
        "--writer",
        choices=["auto", "rules", "llm"],
        default="auto",
        help="who writes the questions: auto uses the LLM when IA_LLM_BASE_URL is set",
    )
    from assistant.domain.records import FindingType

    p = sub.add_parser(
        "findings",
        help="recommendations (with timescales), areas for improvement, judgments, case studies...",
    )
    p.add_argument("--doc", action="append", help="only this document (repeatable)")
    p.add_argument(
        "--type",
        action="append",
        choices=[t.value for t in FindingType],
        metavar="TYPE",
        help="only this type (repeatable): " + ", ".join(t.value for t in FindingType),
    )
    p.add_argument("--topic", help="only findings about this topic (matched by meaning)")
    p.add_argument("-k", type=int, help="at most this many")
    _add_range_args(p, "repeatable; with --from/--to, across its reports in those years")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")

    p = sub.add_parser(
        "compare", help="one topic in two reports side by side, cited, with what changed"
    )
    p.add_argument("doc_a", nargs="?", help="the earlier report's document id")
    p.add_argument("doc_b", nargs="?", help="the later report's document id")
    _add_range_args(p, "compare the force's earliest and latest report in the range")
    p.add_argument("--topic", required=True, help='e.g. "missing children"')
    p.add_argument("--json", action="store_true")
    return parser


EXIT_CODES: dict[type[AssistantError], int] = {
    InvalidRequest: 2,
    NotFound: 3,
    Conflict: 4,
    TooLarge: 5,
    Forbidden: 6,
    Unavailable: 7,
}
"""The one table from domain error to exit code (the most specific class wins)."""


def exit_code(error: AssistantError) -> int:
    return most_specific(error, EXIT_CODES, 1)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
