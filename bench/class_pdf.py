"""(h) A whole class in print: GET /api/classes/{id}/books.pdf, 30 books of six drawings.

Baseline, measured in the same run on the same worker: the same 30 books fetched one by
one as GET /api/books/{code}/pdf. Each side is one request stream at a time; what is
measured is the wall time until the last byte arrived, and the worker's peak RSS over its
RSS before (VmHWM reset before every measurement).

Part of ``python -m bench.run``; alone (seconds, not the whole suite's minutes):

    python -m bench.class_pdf           # 3000-px drawings, 3 rounds
    python -m bench.class_pdf --smoke   # small drawings, 1 round

It then writes bench/results/class-pdf[-smoke]/results.json and prints the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict
from io import BytesIO

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
from pypdf import PdfReader

from bench import ab, pg, seed, servers
from bench.net import fetch
from bench.scenarios import Check, Outcome, expect
from magicshelf import migrations
from magicshelf.books import codes
from magicshelf.printing.pdf import PRINTED_PAGES
from magicshelf.settings import Settings

CLASS_SIZE = 30
TEACHER = {"name": "Professora Bench", "email": "bench@magicshelf.test", "password": "bench-" * 4}


def make_class(app: servers.Server, database_url: str, books: list[str]) -> tuple[str, str]:
    """A signed-in teacher's class holding ``books`` in this order: (its id, the cookie)."""
    signed_up = fetch(
        app.base_url + "/api/teachers",
        method="POST",
        body=json.dumps(TEACHER).encode(),
        headers={"Content-Type": "application/json"},
    )
    expect(signed_up.status == 201, f"sign-up: {signed_up.status} {signed_up.body[:200]!r}")
    cookie = signed_up.headers["set-cookie"].split(";", 1)[0]
    made = fetch(
        app.base_url + "/api/classes",
        method="POST",
        body=json.dumps({"name": "3º ano B (bench)"}).encode(),
        headers={"Content-Type": "application/json", "Cookie": cookie},
    )
    expect(made.status == 201, f"POST /api/classes: {made.status} {made.body[:200]!r}")
    class_id: str = json.loads(made.body)["id"]
    # Seeded books are published and finished; a roster would make drafts without drawings.
    asyncio.run(_enrol(database_url, class_id, books))
    return class_id, cookie


async def _enrol(database_url: str, class_id: str, books: list[str]) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(
            "UPDATE books SET class_id = $1, position = roster.position "
            "FROM unnest($2::text[]) WITH ORDINALITY AS roster(code, position) "
            "WHERE books.magic_code = roster.code",
            class_id,
            books,
        )
    finally:
        await connection.close()


def measure(app: servers.Server, database_url: str, seeded: list[str], *, rounds: int) -> Outcome:
    """(h): the class's PDF against its books' PDFs one by one, A/B, ``rounds`` times."""
    outcome = Outcome(
        "h",
        f"GET /api/classes/{{id}}/books.pdf, {CLASS_SIZE} books × six drawings",
        f"GET /api/books/{{code}}/pdf × {CLASS_SIZE}, one after another",
    )
    books = seeded[:CLASS_SIZE]
    class_id, cookie = make_class(app, database_url, books)
    class_url = f"{app.base_url}/api/classes/{class_id}/books.pdf"
    book_urls = [f"{app.base_url}/api/books/{codes.display(code)}/pdf" for code in books]
    whole = fetch(class_url, headers={"Cookie": cookie}, timeout=300)
    expect(whole.status == 200, f"GET {class_url}: {whole.status} {whole.body[:200]!r}")
    pages = len(PdfReader(BytesIO(whole.body)).pages)
    expect(pages == CLASS_SIZE * PRINTED_PAGES, f"the class PDF has {pages} pages")
    single = fetch(book_urls[0], timeout=60)
    expect(single.status == 200 and single.body.startswith(b"%PDF-"), "a book's PDF failed")
    outcome.extra["class PDF (MB)"] = len(whole.body) / 1e6
    outcome.extra["one book's PDF (MB)"] = len(single.body) / 1e6

    def timed(fetch_all: Callable[[], int]) -> ab.Measure:
        def run() -> ab.Numbers:
            servers.reset_peak_rss(app.pid)
            before = servers.current_rss_kib(app.pid)
            started = time.perf_counter()
            received = fetch_all()
            seconds = time.perf_counter() - started
            growth = (servers.peak_rss_kib(app.pid) - before) / 1024
            ms = seconds * 1000
            return {
                "rps": CLASS_SIZE / seconds,  # books per second
                "p50_ms": ms,
                "p99_ms": ms,
                "mean_ms": ms,
                "errors": 0,
                "requests": 1,
                "rss_growth_mb": growth,
                "bytes": received,
            }

        return run

    def whole_class() -> int:
        answer = fetch(class_url, headers={"Cookie": cookie}, timeout=300)
        expect(answer.status == 200, f"class PDF: {answer.status}")
        return len(answer.body)

    def one_by_one() -> int:
        received = 0
        for url in book_urls:
            answer = fetch(url, timeout=60)
            expect(answer.status == 200, f"book PDF: {answer.status}")
            received += len(answer.body)
        return received

    outcome.commands += [
        f"curl -s -o class.pdf -H 'Cookie: SESSION' {class_url}",
        f"for each of the {CLASS_SIZE} codes: curl -s -o book.pdf "
        f"{app.base_url}/api/books/CODE/pdf",
    ]
    a, b = timed(whole_class), timed(one_by_one)
    outcome.rounds = ab.alternate(a, b, rounds=rounds, warm_up=lambda: None)
    growth = statistics.median(r["rss_growth_mb"] for r in outcome.rounds.a)
    base_growth = statistics.median(r["rss_growth_mb"] for r in outcome.rounds.b)
    seconds = outcome.rounds.median("a")["mean_ms"] / 1000
    ratio = ab.ratio(outcome.rounds.median("a")["mean_ms"], outcome.rounds.median("b")["mean_ms"])
    outcome.extra["seconds per class PDF"] = seconds
    outcome.extra["time, class PDF / books one by one"] = ratio
    outcome.extra["worker peak RSS growth, class PDF (MB)"] = growth
    outcome.extra["worker peak RSS growth, books one by one (MB)"] = base_growth
    # The terms: "in seconds", and not every drawing in memory at once (they are
    # hundreds of MB: the class PDF's size).
    outcome.checks += [
        Check("seconds per class PDF", seconds, "<= 10", seconds <= 10),
        Check("worker peak RSS growth (MB)", growth, "<= 100", growth <= 100),
    ]
    outcome.notes.append(
        "Seeded books share their six drawings in storage (content-addressed), but every "
        "book reads its own copies and the class PDF embeds 180 drawings, as a real class's. "
        "RSS growth: the worker's peak RSS during the measurement over its RSS just before. "
        "The class PDF costs more time than its books one by one: each book is parsed again "
        "(pypdf) to be copied, and the whole file is written to a spooled temporary file and "
        "read back, so that it goes out with a Content-Length and a failure can still answer "
        "problem+json."
    )
    return outcome


def main() -> int:
    """Run (h) alone: a throwaway cluster, 40 seeded books, one MagicShelf worker."""
    from bench import run

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="small drawings, one round")
    args = parser.parse_args()
    plan = run.Plan.from_env(args.smoke)
    out = run.RESULTS / ("class-pdf-smoke" if args.smoke else "class-pdf")
    out.mkdir(parents=True, exist_ok=True)
    with run.workdir() as work, pg.cluster(work) as cluster:
        url = cluster.url("bench_class")
        asyncio.run(cluster.create_database("bench_class"))
        data = work / "data"
        migrations.upgrade(Settings(database_url=url, data_dir=data))
        width, height = plan.drawing
        drawings = asyncio.run(seed.store_drawings(data / "media", width=width, height=height))
        seeded = asyncio.run(seed.seed_books(url, count=CLASS_SIZE + 10, drawings=drawings))
        log = out / "magicshelf.log"
        with servers.magicshelf(database_url=url, data_dir=data, log=log) as app:
            outcome = measure(app, url, seeded.codes, rounds=plan.rounds)
    results = {
        "plan": asdict(plan),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "outcome": run.outcome_json(outcome),
    }
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    # A missed target is a finding, not a broken harness: as bench.run, exit 0.
    print(json.dumps({**outcome.extra, "checks": [asdict(c) for c in outcome.checks]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
