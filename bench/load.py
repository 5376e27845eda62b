"""Load test: N concurrent clients against a running server on this machine.

Run a server first (`IA_DATA_DIR=... .venv/bin/inspection-assistant serve --no-ui --port 8765`),
then `.venv/bin/python bench/load.py --url http://127.0.0.1:8765 --clients 20 --seconds 20`.

Each client is a thread with its own `httpx.Client`; it alternates POST /v1/ask and POST
/v1/search with questions from the gold file (each client starts at a different question) until
--seconds have passed or --max-requests have been sent in all. Only loopback targets
(127.0.0.1, localhost, ::1) are allowed. Prints, per endpoint: requests, requests/s, p50, p95,
p99 latency and errors (a non-2xx status or a transport error).

With `--bad-clients N`, N of the clients send malformed questions instead (a lone surrogate,
control characters only, an over-long question, an empty one): each should be refused with a
4xx, and none may make a well-formed client's request fail. Their outcomes are counted apart;
the exit status reflects the well-formed clients' errors and any malformed request not refused.

With `--workers N` it first starts `inspection-assistant serve --no-ui --workers N` on the --url
port, with this environment (so IA_DATA_DIR, IA_CHROMA_HOST... choose the store), and stops it at
the end: run it with 1 and then 2 to compare (more than one worker needs a Chroma server).
"""

from __future__ import annotations

import argparse
import atexit
import ipaddress
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

_ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = ("/v1/ask", "/v1/search")
MALFORMED = (
    "where is the \udfff appropriate adult",
    "\x00\x01\x02",
    "custody " * 600,
    "",
)


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_questions(path: str) -> list[str]:
    questions = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            questions.append(str(json.loads(line)["question"]))
    if not questions:
        raise SystemExit(f"{path}: no questions")
    return questions


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {e: [] for e in ENDPOINTS})
    errors: dict[str, Counter[str]] = field(
        default_factory=lambda: {e: Counter() for e in ENDPOINTS}
    )
    malformed: Counter[str] = field(default_factory=Counter)

    def claim(self, limit: int) -> bool:
        """Reserve one request against --max-requests."""
        with self.lock:
            if self.sent >= limit:
                return False
            self.sent += 1
            return True

    def add(self, endpoint: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.latencies[endpoint].append(ms)
            if error:
                self.errors[endpoint][error] += 1


def malformed_loop(args: argparse.Namespace, deadline: float, results: Results, index: int) -> None:
    """Send malformed questions (JSON-escaped, as any client may) until the deadline."""
    headers = {"content-type": "application/json"}
    if args.api_key:
        headers["X-API-Key"] = args.api_key
    with httpx.Client(base_url=args.url, headers=headers, timeout=args.timeout) as client:
        i = index
        while time.monotonic() < deadline:
            endpoint = ENDPOINTS[i % 2]
            text = MALFORMED[i % len(MALFORMED)]
            body = {"question": text} if endpoint == "/v1/ask" else {"query": text}
            try:
                status = client.post(endpoint, content=json.dumps(body)).status_code
                outcome = "refused (4xx)" if 400 <= status < 500 else f"HTTP {status}"
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
            with results.lock:
                results.malformed[outcome] += 1
            i += 1


def client_loop(
    index: int,
    args: argparse.Namespace,
    questions: list[str],
    deadline: float,
    results: Results,
) -> None:
    headers = {"X-API-Key": args.api_key} if args.api_key else {}
    with httpx.Client(base_url=args.url, headers=headers, timeout=args.timeout) as client:
        i = index
        while time.monotonic() < deadline and results.claim(args.max_requests):
            endpoint = ENDPOINTS[i % 2]
            question = questions[(i // 2 + index * 7) % len(questions)]
            body = {"question": question} if endpoint == "/v1/ask" else {"query": question}
            started = time.perf_counter()
            error = None
            try:
                r = client.post(endpoint, json=body)
                if r.status_code >= 300:
                    error = f"HTTP {r.status_code}: {r.text[:120]}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            results.add(endpoint, (time.perf_counter() - started) * 1000, error)
            i += 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def wait_ready(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            r = httpx.get(f"{url}/readyz", timeout=2)
            if r.status_code == 200:
                return
            last = f"HTTP {r.status_code} {r.text[:200]}"
        except httpx.HTTPError as exc:
            last = str(exc)
        time.sleep(0.5)
    raise SystemExit(f"{url} is not ready after {seconds:.0f}s: {last}")


def start_server(url: str, workers: int) -> subprocess.Popen[bytes]:
    """`serve --workers N` on the URL's port, stopped when this script exits."""
    command = [str(Path(sys.executable).parent / "inspection-assistant"), "serve", "--no-ui"]
    command += ["--port", str(urlsplit(url).port or 80), "--workers", str(workers)]
    server = subprocess.Popen(command)
    atexit.register(lambda: (server.terminate(), server.wait(30)))
    return server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=60.0, help="per request, seconds")
    parser.add_argument("--gold", default=str(_ROOT / "eval" / "gold" / "tune.jsonl"))
    parser.add_argument("--api-key", help="sent as X-API-Key")
    parser.add_argument("--wait", type=float, default=120.0, help="wait this long for /readyz")
    parser.add_argument("--workers", type=int, help="start `serve --workers N` first (see above)")
    parser.add_argument(
        "--bad-clients",
        type=int,
        default=0,
        help="this many of the clients send malformed questions (default 0)",
    )
    args = parser.parse_args(argv)
    args.url = args.url.rstrip("/")
    if not is_loopback(args.url):
        print(
            f"refusing {args.url}: only 127.0.0.1 / localhost targets are allowed", file=sys.stderr
        )
        return 2
    if not 1 <= args.clients <= 200 or args.seconds <= 0 or args.max_requests < 1:
        print("need 1-200 clients, --seconds > 0 and --max-requests >= 1", file=sys.stderr)
        return 2
    if not 0 <= args.bad_clients < args.clients:
        print("--bad-clients must leave at least one well-formed client", file=sys.stderr)
        return 2

    questions = load_questions(args.gold)
    if args.workers:
        start_server(args.url, args.workers)
    wait_ready(args.url, args.wait)
    results = Results()
    started = time.monotonic()
    deadline = started + args.seconds
    good = args.clients - args.bad_clients
    threads = [
        threading.Thread(
            target=client_loop, args=(n, args, questions, deadline, results), daemon=True
        )
        for n in range(good)
    ] + [
        threading.Thread(target=malformed_loop, args=(args, deadline, results, n), daemon=True)
        for n in range(args.bad_clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    print(
        f"\n{args.url} ({args.workers or 'running'} worker(s)): {good} well-formed + {args.bad_clients} malformed clients, {elapsed:.1f} s "
        f"(limit {args.seconds:g} s / {args.max_requests} requests), {len(questions)} questions\n"
    )
    print(
        f"  {'endpoint':<12} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'errors':>6}"
    )
    total_errors = 0
    for endpoint in ENDPOINTS:
        values = results.latencies[endpoint]
        errors = sum(results.errors[endpoint].values())
        total_errors += errors
        print(
            f"  {endpoint:<12} {len(values):>8} {len(values) / elapsed:>7.1f} "
            f"{percentile(values, 50):>8.0f} {percentile(values, 95):>8.0f} "
            f"{percentile(values, 99):>8.0f} {max(values, default=float('nan')):>8.0f} {errors:>6}"
        )
    everything = [v for values in results.latencies.values() for v in values]
    print(f"  {'all':<12} {len(everything):>8} {len(everything) / elapsed:>7.1f}")
    for endpoint in ENDPOINTS:
        for message, count in results.errors[endpoint].most_common(5):
            print(f"  {endpoint} error x{count}: {message}")
    not_refused = 0
    if args.bad_clients:
        outcomes = ", ".join(f"{k} x{v}" for k, v in results.malformed.most_common())
        print(f"  malformed requests: {outcomes or 'none sent'}")
        not_refused = sum(v for k, v in results.malformed.items() if k != "refused (4xx)")
    print(f"  well-formed errors: {total_errors}")
    return 1 if total_errors or not_refused else 0


if __name__ == "__main__":
    raise SystemExit(main())
