"""Page budget (issue #22): every page a user can open, timed on the volume dataset.

    .venv/bin/python benchmarks/volume/page_budget.py [--moves 300000] [--runs 2] [--smoke]

Walks the URL registry exactly as the cross tests do (tests/cross/catalogue.py: every named UI
URL, arguments filled with the first row of their model), so a new page is in the budget
without an edit; plus every API list of the OpenAPI schema (GET without path arguments).
Each page is requested `--runs` times logged in as the demo administrator through Django's
test client on a copy of the cached dataset (benchmarks/volume/make_dataset.py); the figure is
the fastest run (the first warms caches). Prints the slowest 20 with their query counts and
sizes, p95 and the maximum.

Budget: p95 <= 1 s, no page over 2 s, no HTML page over 300 KB; a run outside it exits 1
(smoke runs only check that every page answers without a server error).
"""

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.volume.make_dataset import _django_on, dataset_ready  # noqa: E402

P95_S, MAX_S, MAX_HTML_BYTES = 1.0, 2.0, 300 * 1024


@dataclass
class Timing:
    name: str
    url: str
    status: int
    seconds: float
    queries: int
    size: int
    html: bool


def _pages() -> list[tuple[str, str]]:
    from tests.cross.catalogue import PAGES, Unfillable, page_url

    found = []
    for page in PAGES:
        if page.is_action or page.name.endswith(("_row", "logout")) or "print" in page.name:
            continue  # POST-only actions, htmx line rows, logout; prints are PDFs (own budget)
        try:
            found.append((page.name, page_url(page)))
        except Unfillable:
            continue
    return found


def _api_lists(client) -> list[tuple[str, str]]:
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    return [
        (op.get("operationId", path), path)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method == "get" and "{" not in path and not path.endswith(("openapi.json", "/docs"))
    ]


def _request(client, name: str, url: str, runs: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best, queries, response = None, 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            took = time.perf_counter() - t
        if best is None or took < best:
            best, queries = took, len(ctx.captured_queries)
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Timing(name, url, response.status_code, best, queries, len(body), "html" in content_type)


def walk(runs: int) -> list[Timing]:
    import logging

    from django.test import Client

    from erp.iam.models import User

    logging.getLogger("django.request").setLevel(logging.ERROR)  # 405s of POST-only URLs
    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")
    client.force_login(User.objects.get(username="admin"))
    targets = _pages() + _api_lists(client)
    return [_request(client, name, url, runs) for name, url in targets]


def report(timings: list[Timing], smoke: bool) -> int:
    ok = [t for t in timings if t.status < 400]
    errors = [t for t in timings if t.status >= 500]
    seconds = sorted(t.seconds for t in ok)
    p95 = seconds[int(0.95 * (len(seconds) - 1))] if seconds else 0.0
    print(f"\n{len(timings)} pages and API lists ({len(ok)} answered 2xx/3xx), slowest 20:")
    print(f"{'ms':>8} | {'queries':>7} | {'KB':>7} | page")
    for t in sorted(ok, key=lambda t: -t.seconds)[:20]:
        print(f"{t.seconds * 1000:>8.0f} | {t.queries:>7} | {t.size / 1024:>7.0f} | {t.url}")
    heavy = [t for t in ok if t.html and t.size > MAX_HTML_BYTES]
    slow = [t for t in ok if t.seconds > MAX_S]
    print(
        f"p95 {p95 * 1000:.0f} ms (budget {P95_S * 1000:.0f}), max "
        f"{(seconds[-1] if seconds else 0) * 1000:.0f} ms (budget {MAX_S * 1000:.0f}), "
        f"median {statistics.median(seconds) * 1000 if seconds else 0:.0f} ms; "
        f"{len(slow)} over {MAX_S:.0f} s, {len(heavy)} HTML pages over 300 KB"
        + "".join(f"\n  heavy: {t.url} {t.size / 1024:.0f} KB" for t in heavy)
    )
    for t in errors:
        print(f"SERVER ERROR {t.status}: {t.url}")
    result = {
        "workload": "page-budget",
        "pages": len(timings),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round((seconds[-1] if seconds else 0) * 1000, 1),
        "over_2s": len(slow),
        "html_over_300kb": len(heavy),
        "server_errors": len(errors),
    }
    print("RESULT " + json.dumps(result))
    if errors:
        return 1
    if smoke:
        return 0
    return 1 if (p95 > P95_S or slow or heavy) else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    moves = 2_000 if args.smoke else args.moves
    source = dataset_ready(moves)
    scratch = Path(tempfile.mkdtemp(prefix="erp-pages-"))
    try:
        shutil.copyfile(source, scratch / "erp.sqlite3")
        _django_on(scratch)
        from django.db import connection

        connection.ensure_connection()
        from erp.inventory.models import StockMove

        print(f"dataset {source.name}: {StockMove.objects.count():,} stock moves")
        code = report(walk(max(1, args.runs)), args.smoke)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
