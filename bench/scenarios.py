"""The scenarios, (a) to (g) and the range requests: each checks its answers once, then
measures.

A scenario first makes one request itself and refuses to measure if the answer is wrong
(status, body, headers): a fast error page is not a result. Then wrk (or the pipeline
loop) runs in A/B rounds, and the outcome carries every round, the commands and the
target checks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench import ab, servers, wrk
from bench.net import fetch
from bench.wrk import Load

Numbers = ab.Numbers


class HarnessError(RuntimeError):
    """The harness or a server answered wrongly: the run is broken, not slow."""


@dataclass(frozen=True)
class Check:
    label: str
    value: float
    target: str
    met: bool


@dataclass
class Outcome:
    key: str
    title: str
    baseline: str | None = None
    rounds: ab.Rounds = field(default_factory=ab.Rounds)
    commands: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    available: bool = True
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    app: servers.Server
    asgi: servers.Server
    nginx: servers.Server
    rounds: int
    seconds: float
    connections: int
    files: Path
    wrk_log: Path


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise HarnessError(message)


def _first_path(paths_file: Path) -> tuple[str, str]:
    path, tag = paths_file.read_text().split("\n", 1)[0].split("\t")
    return path, tag


def _wrk(
    ctx: Context,
    outcome: Outcome,
    server: servers.Server,
    script: str,
    args: list[str],
    load: Load,
    path: str = "",
) -> ab.Measure:
    def measure() -> Numbers:
        result = wrk.run(server.base_url + path, script, args, load, log=ctx.wrk_log)
        if result.command not in outcome.commands:
            outcome.commands.append(result.command)
        return {
            "rps": result.rps,
            "p50_ms": result.p50_ms,
            "p99_ms": result.p99_ms,
            "mean_ms": result.mean_ms,
            "errors": result.errors,
            "requests": result.requests,
        }

    return measure


def _warm_up(*measures: ab.Measure | None) -> None:
    for measure in measures:
        if measure is not None:
            measure()


def _ratio_checks(outcome: Outcome, *, rps_at_least: float, p99_at_most: float | None) -> None:
    a, b = outcome.rounds.median("a"), outcome.rounds.median("b")
    rps = ab.ratio(a["rps"], b["rps"])
    outcome.checks.append(Check("throughput ratio", rps, f">= {rps_at_least}", rps >= rps_at_least))
    if p99_at_most is not None:
        p99 = ab.ratio(a["p99_ms"], b["p99_ms"])
        outcome.checks.append(Check("p99 ratio", p99, f"<= {p99_at_most}", p99 <= p99_at_most))


def read_book(ctx: Context, paths: Path, *, revalidate: bool) -> Outcome:
    """(a) GET /api/books/{code} on random codes; (b) the same with If-None-Match → 304."""
    key, what = ("b", "with If-None-Match (304)") if revalidate else ("a", "random codes")
    outcome = Outcome(key, f"GET /api/books/{{code}}, {what}", "raw ASGI + asyncpg, 1 query")
    path, tag = _first_path(paths)
    app, asgi = fetch(ctx.app.base_url + path), fetch(ctx.asgi.base_url + path)
    expect(app.status == 200 and asgi.status == 200, f"GET {path}: {app.status}/{asgi.status}")
    expect(json.loads(app.body) == json.loads(asgi.body), "baseline JSON differs from the app's")
    expect(app.headers.get("etag") == tag, f"ETag {app.headers.get('etag')} is not {tag}")
    for server in (ctx.app, ctx.asgi):
        answer = fetch(server.base_url + path, headers={"If-None-Match": tag})
        expect(answer.status == 304, f"{server.name}: If-None-Match gave {answer.status}")
    args = [str(paths), "etag" if revalidate else "plain"]
    load = Load(ctx.connections, ctx.seconds)
    a = _wrk(ctx, outcome, ctx.app, "paths.lua", args, load)
    b = _wrk(ctx, outcome, ctx.asgi, "paths.lua", args, load)
    warm = Load(ctx.connections, min(2.0, ctx.seconds))
    outcome.rounds = ab.alternate(
        a,
        b,
        rounds=ctx.rounds,
        warm_up=lambda: _warm_up(
            _wrk(ctx, outcome, ctx.app, "paths.lua", args, warm),
            _wrk(ctx, outcome, ctx.asgi, "paths.lua", args, warm),
        ),
    )
    if revalidate:
        _ratio_checks(outcome, rps_at_least=0.7, p99_at_most=None)
    else:
        _ratio_checks(outcome, rps_at_least=0.5, p99_at_most=3.0)
    return outcome


def access_log(ctx: Context, quiet: servers.Server, paths: Path) -> Outcome:
    """(a-log) (a) as served, one access line per request, against the same app without.

    Both read the same database; ``quiet`` runs with ``MAGICSHELF_ACCESS_LOG=false``.
    """
    outcome = Outcome(
        "a-log",
        "GET /api/books/{code}, random codes, with the access log",
        "the same app without it (MAGICSHELF_ACCESS_LOG=false)",
    )
    path, _ = _first_path(paths)
    logged, silent = fetch(ctx.app.base_url + path), fetch(quiet.base_url + path)
    expect(logged.status == 200 and silent.status == 200, f"GET {path}: {logged.status}")
    expect(logged.body == silent.body, "the app without its access log answers differently")
    _against(ctx, outcome, quiet, "paths.lua", [str(paths), "plain"])
    _ratio_checks(outcome, rps_at_least=0.9, p99_at_most=None)
    outcome.notes.append("The lines go to a file (bench/results/…/logs), one write(2) each.")
    return outcome


def _against(
    ctx: Context, outcome: Outcome, baseline: servers.Server, script: str, args: list[str]
) -> None:
    """The app and ``baseline`` under the same load, in alternating rounds."""
    load = Load(ctx.connections, ctx.seconds)
    a = _wrk(ctx, outcome, ctx.app, script, args, load)
    b = _wrk(ctx, outcome, baseline, script, args, load)
    outcome.rounds = ab.alternate(a, b, rounds=ctx.rounds, warm_up=lambda: _warm_up(a, b))


def media(ctx: Context, thumbnail_key: str) -> Outcome:
    """(c) GET /media/{key} of a thumbnail, against nginx serving the same file."""
    outcome = Outcome("c", "GET /media/{key}, a thumbnail", "nginx, same file from disk")
    path = f"/media/{thumbnail_key}"
    app, static = fetch(ctx.app.base_url + path), fetch(ctx.nginx.base_url + path)
    expect(app.status == 200 and static.status == 200, f"GET {path}: {app.status}/{static.status}")
    expect(app.body == static.body, "nginx and the app serve different bytes")
    expect("immutable" in app.headers.get("cache-control", ""), "no immutable Cache-Control")
    outcome.extra["bytes"] = len(app.body)
    paths = ctx.files / "media-paths.tsv"
    paths.write_text(f"{path}\t-\n")
    _against(ctx, outcome, ctx.nginx, "paths.lua", [str(paths), "plain"])
    _ratio_checks(outcome, rps_at_least=0.3, p99_at_most=None)
    return outcome


RANGE_BYTES = 64 * 1024


def media_ranges(
    ctx: Context, key: str, *, outcome_key: str, what: str, floor: float | None
) -> Outcome:
    """(c-range) GET /media/{key} of a recording in byte ranges, against nginx.

    Safari fetches audio only in ranges (``bytes=0-1`` first, then pieces as it plays and
    seeks): each request asks for RANGE_BYTES at a random offset of the file. ``floor`` is
    the throughput ratio to meet, if any.
    """
    outcome = Outcome(
        outcome_key, f"GET /media/{{key}} in 64 KiB ranges, {what}", "nginx, same file from disk"
    )
    path = f"/media/{key}"
    whole = fetch(ctx.nginx.base_url + path)
    expect(whole.status == 200, f"nginx GET {path}: {whole.status}")
    size = len(whole.body)
    expect(size > 1000 + RANGE_BYTES, f"{path} is too small for 64 KiB ranges: {size} bytes")
    asked = {"Range": f"bytes=1000-{1000 + RANGE_BYTES - 1}"}
    app, static = (fetch(s.base_url + path, headers=asked) for s in (ctx.app, ctx.nginx))
    expect(app.status == 206 and static.status == 206, f"Range: {app.status}/{static.status}")
    expect(app.body == static.body == whole.body[1000 : 1000 + RANGE_BYTES], "wrong bytes")
    told = app.headers.get("content-range"), static.headers.get("content-range")
    expect(told[0] == told[1], f"Content-Range {told[0]} (app) vs {told[1]} (nginx)")
    outcome.extra["file bytes"] = size
    _against(ctx, outcome, ctx.nginx, "ranges.lua", [path, str(size), str(RANGE_BYTES)])
    for side, name in (("a", "MagicShelf"), ("b", "nginx")):
        outcome.extra[f"MB/s, {name}"] = outcome.rounds.median(side)["rps"] * RANGE_BYTES / 1e6
    if floor is not None:
        _ratio_checks(outcome, rps_at_least=floor, p99_at_most=None)
    return outcome


def create_books(ctx: Context, body: Path, connections: int) -> Outcome:
    """(d) POST /api/books: a new book with six page texts per request."""
    outcome = Outcome("d", "POST /api/books (create, six page texts)")
    answer = fetch(
        ctx.app.base_url + "/api/books",
        method="POST",
        body=body.read_bytes(),
        headers={"Content-Type": "application/json"},
    )
    expect(answer.status == 201, f"POST /api/books: {answer.status} {answer.body[:200]!r}")
    args = ["POST", str(body), "application/json", ""]
    load = Load(connections, ctx.seconds)
    a = _wrk(ctx, outcome, ctx.app, "body.lua", args, load, path="/api/books")
    outcome.rounds = ab.alternate(a, None, rounds=ctx.rounds, warm_up=lambda: None)
    outcome.notes.append(f"{connections} connections; every request commits one new book.")
    return outcome


@dataclass(frozen=True)
class Upload:
    key: str  # the outcome's: "e" for drawings, "e-audio" for recordings
    title: str
    kind: str  # what bench.pipeline_loop runs: "image" or "recording"
    sample: Path  # the file itself, for the bare pipeline
    body: Path  # the same file as a multipart/form-data body
    content_type: str
    authorization: str
    paths: Path  # PUT targets, one a line


def upload(ctx: Context, job: Upload, *, in_flight: int, slots: int, seconds: float) -> Outcome:
    """(e) PUT a drawing or a recording, against the bare pipeline on the same file.

    ``in_flight`` uploads are sent at once; the app processes ``slots`` of them at a time
    (its render slots, which pictures and recordings share), so the bare pipeline runs
    ``slots`` threads.
    """
    threads = f"{slots} thread{'s' if slots > 1 else ''}"
    outcome = Outcome(job.key, job.title, f"bare pipeline loop ({job.kind}), {threads}")
    target = job.paths.read_text().split("\n", 1)[0]
    answer = fetch(
        ctx.app.base_url + target,
        method="PUT",
        body=job.body.read_bytes(),
        headers={"Content-Type": job.content_type, "Authorization": job.authorization},
        timeout=60,
    )
    expect(answer.status == 200, f"PUT {target}: {answer.status} {answer.body[:200]!r}")
    args = ["PUT", str(job.body), job.content_type, job.authorization, str(job.paths)]
    a = _wrk(ctx, outcome, ctx.app, "body.lua", args, Load(in_flight, seconds, threads=1))

    def b() -> Numbers:
        argv = [
            sys.executable,
            "-m",
            "bench.pipeline_loop",
            job.kind,
            str(job.sample),
            f"{seconds:g}",
            str(slots),
        ]
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=True,
            cwd=servers.REPO,
        )
        command = f"python -m bench.pipeline_loop {job.kind} FILE SECONDS THREADS"
        if command not in outcome.commands:
            outcome.commands.append(command)
        numbers: Numbers = json.loads(done.stdout)
        outcome.extra["pipeline_peak_rss_mb"] = numbers["peak_rss_kib"] / 1024
        return numbers

    servers.reset_peak_rss(ctx.app.pid)
    outcome.extra["rss_before_mb"] = servers.current_rss_kib(ctx.app.pid) / 1024
    outcome.rounds = ab.alternate(a, b, rounds=ctx.rounds, warm_up=lambda: None)
    peak = servers.peak_rss_kib(ctx.app.pid) / 1024
    outcome.extra["peak_rss_mb"] = peak
    # Time per job = mean latency / requests in flight (Little's law): exact in steady
    # state, and unlike req/s not cut short by the requests in flight when wrk stops.
    app_per_job = outcome.rounds.median("a")["mean_ms"] / in_flight
    bare_per_job = outcome.rounds.median("b")["mean_ms"] / slots
    outcome.extra["ms_per_job"] = app_per_job
    outcome.extra["bare_ms_per_job"] = bare_per_job
    overhead = ab.ratio(app_per_job, bare_per_job) - 1
    outcome.checks.append(
        Check(f"HTTP overhead (time per {job.kind})", overhead, "<= 0.15", overhead <= 0.15)
    )
    outcome.checks.append(
        Check("worker peak RSS while uploading (MB)", peak, "<= 200", peak <= 200)
    )
    outcome.notes.append(
        f"{in_flight} uploads in flight; the worker processes {slots} at a time "
        "(MAGICSHELF_RENDER_SLOTS) while the others wait with their bytes on disk, and the "
        f"bare pipeline runs {threads}. Overhead compares time per {job.kind}: mean latency "
        "divided by the requests in flight on each side."
    )
    return outcome


def reader(ctx: Context, paths: Path) -> Outcome:
    """(f) GET /read/{code}: the reader page, if the web package is wired in yet."""
    outcome = Outcome("f", "GET /read/{code}, reader page (HTML)")
    path, _ = _first_path(paths)
    answer = fetch(ctx.app.base_url + path)
    if answer.status == 404:
        outcome.available = False
        outcome.notes.append("Not available yet: /read/{code} answers 404 in this build.")
        return outcome
    expect(answer.status == 200, f"GET {path}: {answer.status}")
    expect(answer.headers.get("content-type", "").startswith("text/html"), "reader is not HTML")
    a = _wrk(
        ctx,
        outcome,
        ctx.app,
        "paths.lua",
        [str(paths), "plain"],
        Load(ctx.connections, ctx.seconds),
    )
    outcome.rounds = ab.alternate(a, None, rounds=ctx.rounds, warm_up=lambda: _warm_up(a))
    return outcome


def pdf(ctx: Context, code: str, *, seconds: float) -> Outcome:
    """(g) GET /api/books/{code}/pdf of a book with six 3000-px drawings, one at a time."""
    outcome = Outcome("g", "GET /api/books/{code}/pdf, six 3000-px drawings")
    path = f"/api/books/{code}/pdf"
    answer = fetch(ctx.app.base_url + path, timeout=60)
    expect(answer.status == 200, f"GET {path}: {answer.status}")
    expect(answer.body.startswith(b"%PDF-"), "the PDF route did not answer a PDF")
    outcome.extra["pdf_bytes"] = len(answer.body)
    paths = ctx.files / "pdf-paths.tsv"
    paths.write_text(f"{path}\t-\n")
    a = _wrk(ctx, outcome, ctx.app, "paths.lua", [str(paths), "plain"], Load(1, seconds, 1))
    outcome.rounds = ab.alternate(a, None, rounds=ctx.rounds, warm_up=lambda: None)
    p99 = outcome.rounds.median("a")["p99_ms"] / 1000
    outcome.checks.append(Check("p99 seconds per PDF", p99, "<= 2", p99 <= 2))
    return outcome
