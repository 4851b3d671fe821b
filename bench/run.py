"""Run the MagicShelf benchmark suite end to end and write its report.

    python -m bench.run            # the full run: bench/REPORT.md + bench/results/
    python -m bench.run --smoke    # seconds: tiny data, short runs, bench/results/ only

Environment: BENCH_QUICK=1 for a shorter full run (shorter rounds, 100,000 books for the
scale part), BENCH_SCALE=N to choose the scale part's size (default 1,000,000).

Everything runs on this machine and talks to 127.0.0.1 only: a throwaway PostgreSQL
cluster, MagicShelf (one uvicorn worker), the ASGI baseline, nginx and wrk. Each wrk run
lasts a fixed time; every subprocess has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

from tests.voices import corpus

from bench import (
    audio,
    class_pdf,
    explain,
    machine,
    pg,
    profile,
    report,
    scenarios,
    seed,
    servers,
    sqllog,
)
from bench.net import fetch
from bench.scenarios import Context, HarnessError, Outcome, Upload, expect
from bench.wrk import Load
from magicshelf import migrations
from magicshelf.books import codes
from magicshelf.settings import Settings

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results"
BOUNDARY = "----magicshelf-bench-boundary"


@dataclass(frozen=True)
class Plan:
    name: str
    books: int  # the main data set
    scale: int  # the scale part (0: skip)
    rounds: int
    seconds: float
    connections: int
    create_connections: int
    upload_seconds: float
    drawing: tuple[int, int]
    photo: tuple[int, int, int]  # width, height, target bytes
    profile_seconds: float
    recording_seconds: float  # the uploaded one, and each format's in bench.audio

    @staticmethod
    def from_env(smoke: bool) -> Plan:
        if smoke:
            return Plan(
                "smoke", 100, 2_000, 1, 1, 8, 4, 2, (1200, 900), (1600, 1200, 300_000), 1, 5
            )
        quick = os.environ.get("BENCH_QUICK") == "1"
        scale = int(os.environ.get("BENCH_SCALE", 100_000 if quick else 1_000_000))
        if quick:
            return Plan(
                "quick",
                10_000,
                scale,
                2,
                4,
                64,
                32,
                6,
                (3000, 2250),
                (4032, 3024, 2_000_000),
                4,
                60,
            )
        return Plan(
            "full", 10_000, scale, 3, 8, 64, 32, 10, (3000, 2250), (4032, 3024, 2_000_000), 10, 60
        )


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


@contextmanager
def workdir() -> Iterator[Path]:
    # World-readable: PostgreSQL runs as "postgres" and nginx's worker as "nobody" when root.
    path = Path(tempfile.mkdtemp(prefix="magicshelf-bench-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def write_inputs(files: Path, plan: Plan, seeded: list[str]) -> dict[str, Path]:
    """The files wrk's Lua scripts read: paths, request bodies."""
    from bench import images

    files.mkdir(parents=True, exist_ok=True)
    made = {"books": files / "book-paths.tsv", "reader": files / "reader-paths.tsv"}
    # Books 0-9 are edited by the upload scenario; reads and PDFs use the rest.
    readable = seeded[10:]
    seed.write_paths(made["books"], readable, "/api/books/{code}")
    seed.write_paths(made["reader"], readable, "/read/{code}")
    create = files / "create.json"
    create.write_text(
        json.dumps(
            {
                "title": "A Árvore que Dançava",
                "author": "Maria Eduarda",
                "teacher": "Professora Ana Lúcia",
                "school": "EMEF Monteiro Lobato",
                "pages": [
                    {"number": n, "text": " ".join(seed.SENTENCES[: n + 1])} for n in range(1, 7)
                ],
            },
            ensure_ascii=False,
        )
    )
    made["create"] = create
    width, height, target = plan.photo
    photo = files / "phone-photo.jpg"
    photo.write_bytes(images.phone_photo(width, height, target_bytes=target))
    made["photo"] = photo
    made["upload"] = _multipart(photo, "IMG_0001.jpg", "image/jpeg")
    # What Chrome's MediaRecorder sends from the studio.
    reading = files / "reading.webm"
    reading.write_bytes(corpus.encode(corpus.reading(plan.recording_seconds), "webm"))
    made["reading"] = reading
    made["upload_audio"] = _multipart(reading, "gravacao.webm", "audio/webm")
    # Books 0-9 take the uploads: a drawing and a recording for each page.
    for name, what in (("upload_paths", "illustration"), ("upload_audio_paths", "audio")):
        made[name] = files / f"{name.replace('_', '-')}.txt"
        made[name].write_text(
            "".join(
                f"/api/books/{codes.display(code)}/pages/{n}/{what}\n"
                for code in seeded[:10]
                for n in range(1, 7)
            )
        )
    return made


def _multipart(upload: Path, filename: str, content_type: str) -> Path:
    """``upload`` as the body of a form with it as the field ``file``, in a file beside it."""
    body = upload.with_suffix(".multipart")
    body.write_bytes(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + upload.read_bytes()
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return body


def main_run(plan: Plan, out: Path) -> tuple[dict[str, object], list[Outcome]]:
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results: dict[str, object] = {
        "plan": asdict(plan),
        "machine": machine.describe(),
        "versions": machine.versions(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    outcomes: list[Outcome] = []
    with workdir() as work, pg.cluster(work) as cluster:
        data_dir = work / "data"
        media_root = data_dir / "media"
        results["postgres_options"] = pg.SERVER_OPTIONS
        main_url = cluster.url("bench_main")
        asyncio.run(cluster.create_database("bench_main"))
        migrations.upgrade(Settings(database_url=main_url, data_dir=data_dir))
        log(f"drawings: {plan.drawing[0]}x{plan.drawing[1]} through the pipeline")
        drawings = asyncio.run(
            seed.store_drawings(media_root, width=plan.drawing[0], height=plan.drawing[1])
        )
        log("recordings: 1 and 2.5 minutes of speech through the voices pipeline")
        recording = asyncio.run(seed.store_recording(media_root, seconds=60))
        # Past media.WHOLE_BLOB_BYTES, so /media streams its ranges from disk.
        long_recording = asyncio.run(seed.store_recording(media_root, seconds=150))
        log(f"seeding {plan.books:,} books")
        seeded = asyncio.run(
            seed.seed_books(main_url, count=plan.books, drawings=drawings, recording=recording)
        )
        results["seed_main"] = {"books": plan.books, "seconds": seeded.seconds}
        size, count = asyncio.run(seed.database_bytes_per_book(main_url))
        results["bytes_main"] = {"bytes": size, "books": count, "per_book": size / count}
        results["read_cost_main"] = asyncio.run(explain.read_cost(main_url, seeded.codes))
        inputs = write_inputs(work / "files", plan, seeded.codes)
        (out / "logs").mkdir(exist_ok=True)
        with _servers(main_url, data_dir, media_root, work / "files", plan, out) as ctx:
            outcomes += _main_scenarios(
                cluster, ctx, plan, inputs, drawings, seeded.codes, results, out
            )
            outcomes += _range_scenarios(cluster, ctx, recording, long_recording)
            outcomes.append(_access_log_cost(cluster, ctx, main_url, data_dir, inputs, out))
            sql = _capture_read_sql(cluster, ctx.app, seeded.codes[10])
            results["sql_read"] = sql["read"]
            results["sql_revalidate"] = sql["revalidate"]
            results["sql_stale"] = sql["stale"]
            results["rss_after_mb"] = servers.current_rss_kib(ctx.app.pid) / 1024
        log(f"recordings: {plan.recording_seconds:g} s in each format, a fresh process each")
        results["audio"] = audio.run(work / "audio", plan.recording_seconds)
        if plan.scale:
            outcomes.append(
                _scale(cluster, plan, drawings, recording, data_dir, out, results, outcomes[0])
            )
    results["outcomes"] = [outcome_json(o) for o in outcomes]
    results["elapsed_seconds"] = round(time.monotonic() - started, 1)
    return results, outcomes


@contextmanager
def _servers(
    database_url: str,
    data_dir: Path,
    media: Path,
    files: Path,
    plan: Plan,
    out: Path,
    suffix: str = "",
) -> Iterator[Context]:
    """MagicShelf, the ASGI baseline and nginx over one database and media folder."""
    logs = out / "logs"
    with (
        servers.magicshelf(
            database_url=database_url, data_dir=data_dir, log=logs / f"magicshelf{suffix}.log"
        ) as app,
        servers.baseline_app(
            database_url=database_url, log=logs / f"asgi-baseline{suffix}.log"
        ) as asgi,
        servers.nginx(media=media, home=files.parent / f"nginx{suffix}") as static,
    ):
        yield Context(
            app, asgi, static, plan.rounds, plan.seconds, plan.connections, files, out / "wrk.log"
        )


def _main_scenarios(
    cluster: pg.Cluster,
    ctx: Context,
    plan: Plan,
    inputs: dict[str, Path],
    drawings: list[seed.StoredDrawing],
    seeded: list[str],
    results: dict[str, object],
    out: Path,
) -> list[Outcome]:
    done: list[Outcome] = []

    def measured(outcome: Callable[[], Outcome]) -> None:
        done.append(_with_diagnostics(cluster, "bench_main", outcome))

    log("(a) read random books")
    measured(lambda: scenarios.read_book(ctx, inputs["books"], revalidate=False))
    log("(b) read with If-None-Match")
    measured(lambda: scenarios.read_book(ctx, inputs["books"], revalidate=True))
    log("(c) media thumbnail vs nginx")
    measured(lambda: scenarios.media(ctx, drawings[0].thumbnail_key))
    # Uploads come before the PDFs: the peak RSS they measure starts from a worker that
    # has only served reads, not from one that still holds a PDF render's memory.
    cores = os.cpu_count() or 1
    slots = Settings().render_slots  # the app's default, as servers.magicshelf starts it
    for job in _uploads(plan, inputs):
        log(f"({job.key}) {job.title} vs the bare pipeline")
        measured(
            partial(
                scenarios.upload,
                ctx,
                job,
                in_flight=cores,
                slots=slots,
                seconds=plan.upload_seconds,
            )
        )
    log("(f) reader page")
    measured(lambda: scenarios.reader(ctx, inputs["reader"]))
    log("(g) PDF with six drawings")
    measured(lambda: scenarios.pdf(ctx, codes.display(seeded[10]), seconds=plan.seconds))
    log(f"(h) a class of {class_pdf.CLASS_SIZE} books in one PDF vs their PDFs one by one")
    class_books = seeded[10:]  # 0-9 get phone photos in (e)
    main_url = cluster.url("bench_main")
    measured(lambda: class_pdf.measure(ctx.app, main_url, class_books, rounds=plan.rounds))
    log("(d) create books")
    measured(lambda: scenarios.create_books(ctx, inputs["create"], plan.create_connections))
    log("profile: py-spy on the app while (a) runs")
    results["profile"] = _profile(ctx, plan, inputs["books"], out)
    return done


def _uploads(plan: Plan, inputs: dict[str, Path]) -> list[Upload]:
    """(e) a phone photo and (e-audio) a recording, each PUT to the pages of books 0-9."""
    form = f"multipart/form-data; boundary={BOUNDARY}"
    key = f"Bearer {seed.EDIT_KEY}"
    seconds = f"{plan.recording_seconds:g}"
    return [
        Upload(
            "e",
            "PUT …/pages/{n}/illustration, ~2 MB phone photo",
            "image",
            inputs["photo"],
            inputs["upload"],
            form,
            key,
            inputs["upload_paths"],
        ),
        Upload(
            "e-audio",
            f"PUT …/pages/{{n}}/audio, {seconds} s of WebM/Opus from Chrome",
            "recording",
            inputs["reading"],
            inputs["upload_audio"],
            form,
            key,
            inputs["upload_audio_paths"],
        ),
    ]


def _range_scenarios(
    cluster: pg.Cluster,
    ctx: Context,
    recording: seed.StoredRecording,
    long_recording: seed.StoredRecording,
) -> list[Outcome]:
    done = []
    # From memory a range costs what a thumbnail does, hence (c)'s floor. From disk, each
    # is one thread hop of open, seek and read where nginx calls sendfile: measured, with
    # no floor (0.10-0.12x in full runs once one hop replaced four and the stream; ~0.08x
    # before).
    for key, stored, where, floor in (
        ("c-range", recording, "from the memory cache", 0.3),
        ("c-range-disk", long_recording, "read from disk", None),
    ):
        minutes = stored.duration_ms / 60_000
        what = f"a {minutes:.1f}-minute recording ({stored.size:,} bytes) {where}"
        log(f"({key}) byte ranges of {what} vs nginx")
        ranges = partial(
            scenarios.media_ranges, ctx, stored.key, outcome_key=key, what=what, floor=floor
        )
        done.append(_with_diagnostics(cluster, "bench_main", ranges))
    return done


def _access_log_cost(
    cluster: pg.Cluster,
    ctx: Context,
    database_url: str,
    data_dir: Path,
    inputs: dict[str, Path],
    out: Path,
) -> Outcome:
    log("(a-log) read random books, with the access log vs without")
    quiet_log = out / "logs" / "magicshelf-no-access-log.log"
    with servers.magicshelf(
        database_url=database_url, data_dir=data_dir, log=quiet_log, access_log=False
    ) as quiet:
        return _with_diagnostics(
            cluster, "bench_main", lambda: scenarios.access_log(ctx, quiet, inputs["books"])
        )


def _with_diagnostics(cluster: pg.Cluster, database: str, run: Callable[[], Outcome]) -> Outcome:
    """Run a scenario, noting connections opened (pool churn) and the machine's load."""
    before = asyncio.run(cluster.sessions_opened(database))
    outcome = run()
    opened = asyncio.run(cluster.sessions_opened(database)) - before
    outcome.extra["PostgreSQL connections opened (app + baseline)"] = opened
    # Other work on the machine shows up here; the bench itself keeps about 2-3 busy.
    outcome.extra["load average (1 min) after"] = os.getloadavg()[0]
    return outcome


def _profile(ctx: Context, plan: Plan, paths: Path, out: Path) -> dict[str, object]:
    collapsed = out / "profile-read.txt"
    load = Load(ctx.connections, plan.profile_seconds)

    def run_load() -> None:
        from bench import wrk

        wrk.run(ctx.app.base_url, "paths.lua", [str(paths), "plain"], load, log=ctx.wrk_log)

    error = profile.record(ctx.app.pid, plan.profile_seconds, collapsed, run_load)
    if error:
        log(f"profile skipped: {error}")
        return {"error": error}
    # py-spy names frames "function (package/module.py:line)".
    layers = [
        "(uvicorn/",
        "(starlette/",
        "(fastapi/",
        "(sqlalchemy/",
        "(asyncpg/",
        "(pydantic",
        "(opentelemetry/",
        "(prometheus_client/",
        "(magicshelf/",
        "(logging/",
    ]
    return {
        "file": str(collapsed.relative_to(BENCH_DIR.parent)),
        "hotspots": [asdict(h) for h in profile.hotspots(collapsed)],
        "layers": profile.top_inclusive(collapsed, layers),
    }


def _capture_read_sql(cluster: pg.Cluster, app: servers.Server, code: str) -> dict[str, list[str]]:
    """The SQL of a read, a revalidation that matches (304) and one that does not."""
    log("SQL of one book read and of revalidations (log_statement=all)")
    url = f"{app.base_url}/api/books/{codes.display(code)}"
    current = fetch(url).headers["etag"]
    captured = {}
    for name, headers, status in (
        ("read", {}, 200),
        ("revalidate", {"If-None-Match": current}, 304),
        ("stale", {"If-None-Match": f'"{code}.0"'}, 200),
    ):

        def request(headers: dict[str, str] = headers, status: int = status) -> None:
            answer = fetch(url, headers=headers)
            expect(answer.status == status, f"SQL capture: {answer.status}, not {status}")

        captured[name] = asyncio.run(sqllog.capture(cluster, request))
    return captured


def _scale(
    cluster: pg.Cluster,
    plan: Plan,
    drawings: list[seed.StoredDrawing],
    recording: seed.StoredRecording,
    data_dir: Path,
    out: Path,
    results: dict[str, object],
    small: Outcome,
) -> Outcome:
    url = cluster.url("bench_scale")
    asyncio.run(cluster.create_database("bench_scale"))
    migrations.upgrade(Settings(database_url=url, data_dir=data_dir))
    log(f"scale: seeding {plan.scale:,} books")
    seeded = asyncio.run(
        seed.seed_books(url, count=plan.scale, drawings=drawings, recording=recording, seed=2)
    )
    log(f"scale: seeded in {seeded.seconds:.1f} s")
    results["seed_scale"] = {"books": plan.scale, "seconds": seeded.seconds}
    size, count = asyncio.run(seed.database_bytes_per_book(url))
    results["bytes_scale"] = {"bytes": size, "books": count, "per_book": size / count}
    results["read_cost_scale"] = asyncio.run(explain.read_cost(url, seeded.codes))
    paths = data_dir.parent / "files" / "scale-paths.tsv"
    seed.write_paths(paths, seeded.codes, "/api/books/{code}")
    with _servers(url, data_dir, data_dir / "media", paths.parent, plan, out, "-scale") as ctx:
        log(f"(a) at {plan.scale:,} books")
        outcome = _with_diagnostics(
            cluster, "bench_scale", lambda: scenarios.read_book(ctx, paths, revalidate=False)
        )
    outcome.key = "a-scale"
    outcome.title = f"(a) at {plan.scale:,} books"
    big, base = outcome.rounds.median("a"), small.rounds.median("a")
    for metric in ("p50_ms", "p99_ms"):
        growth = big[metric] / base[metric]
        outcome.checks.append(
            scenarios.Check(
                f"{metric} at {plan.scale:,} / at {plan.books:,}", growth, "<= 1.2", growth <= 1.2
            )
        )
    return outcome


def outcome_json(outcome: Outcome) -> dict[str, object]:
    return {
        "key": outcome.key,
        "title": outcome.title,
        "baseline": outcome.baseline,
        "available": outcome.available,
        "magicshelf": outcome.rounds.median("a"),
        "baseline_numbers": outcome.rounds.median("b"),
        "rounds_a": outcome.rounds.a,
        "rounds_b": outcome.rounds.b,
        "commands": outcome.commands,
        "checks": [asdict(c) for c in outcome.checks],
        "notes": outcome.notes,
        "extra": outcome.extra,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a tiny run that checks the harness")
    args = parser.parse_args()
    plan = Plan.from_env(args.smoke)
    out = RESULTS / plan.name
    if out.exists():
        shutil.rmtree(out)
    log(f"plan {plan.name}: results in {out}")
    try:
        results, outcomes = main_run(plan, out)
    except HarnessError as error:
        log(f"HARNESS BROKEN: {error}")
        return 1
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    target = out / "REPORT.md" if args.smoke or plan.name != "full" else BENCH_DIR / "REPORT.md"
    target.write_text(report.render(results, before=report.load_before(BENCH_DIR)))
    log(f"report: {target} ({results['elapsed_seconds']} s)")
    errors = [o.key for o in outcomes for side in ("a", "b") if o.rounds.median(side).get("errors")]
    if errors:
        log(f"HARNESS BROKEN: request errors in {', '.join(map(str, errors))} (see wrk.log)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
