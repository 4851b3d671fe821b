"""Render a run's results (results.json) as bench/REPORT.md.

Hand-written analysis lives in bench/NOTES.md and is copied in; the "before" side of the
before/after table comes from bench/before.json, a run of this same harness on the code
before the speed work (kept in git so the comparison stays reproducible).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Json = dict[str, Any]


def load_before(bench_dir: Path) -> Json | None:
    path = bench_dir / "before.json"
    return json.loads(path.read_text()) if path.exists() else None


def _n(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _numbers(numbers: Json, *, unit: str = "req/s") -> str:
    if not numbers:
        return "–"
    return (
        f"{_n(numbers['rps'], 1 if numbers['rps'] < 100 else 0)} {unit} · "
        f"p50 {_ms(numbers['p50_ms'])} · p99 {_ms(numbers['p99_ms'])}"
    )


def _ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f} ms"


_UNITS = {"e": "img/s", "e-audio": "rec/s", "h": "books/s"}


def _unit(outcome: Json) -> str:
    return _UNITS.get(outcome["key"], "req/s")


def _ratio(outcome: Json) -> str:
    a, b = outcome["magicshelf"], outcome["baseline_numbers"]
    if not a or not b:
        return "–"
    if outcome["key"] == "h":  # one request stream a side: the time is what compares
        return f"time ×{a['mean_ms'] / b['mean_ms']:.2f}"
    if outcome["key"] in ("e", "e-audio"):
        # Runs before render slots had as many uploads in flight as pipeline threads, so
        # their mean latencies compared directly.
        app = outcome["extra"].get("ms_per_job", a["mean_ms"])
        bare = outcome["extra"].get("bare_ms_per_job", b["mean_ms"])
        return f"time per upload ×{app / bare:.2f}"
    return f"{a['rps'] / b['rps']:.2f}× req/s; p99 {a['p99_ms'] / b['p99_ms']:.2f}×"


def _check_text(outcome: Json) -> tuple[str, str]:
    if not outcome["available"]:
        return "–", "not available yet"
    checks = outcome["checks"]
    if not checks:
        return "(no target)", "–"
    targets = "; ".join(f"{c['label']} {c['target']}" for c in checks)
    met = "; ".join(f"{'yes' if c['met'] else '**NO**'} ({c['value']:.2f})" for c in checks)
    return targets, met


def _summary(results: Json) -> list[str]:
    lines = [
        "| scenario | MagicShelf | baseline | ratio | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for o in results["outcomes"]:
        unit = _unit(o)
        target, met = _check_text(o)
        base = _numbers(o["baseline_numbers"], unit=unit)
        if o["baseline"]:
            base = f"{o['baseline']}: {base}"
        lines.append(
            f"| ({o['key']}) {o['title']} | {_numbers(o['magicshelf'], unit=unit)} | {base} "
            f"| {_ratio(o)} | {target} | {met} |"
        )
    return lines


def _rounds(o: Json) -> list[str]:
    lines = [f"### ({o['key']}) {o['title']}", ""]
    if not o["available"]:
        return [*lines, *o["notes"], ""]
    lines += ["| round | MagicShelf | baseline |", "|---|---|---|"]
    unit = _unit(o)
    for i, a in enumerate(o["rounds_a"]):
        b = o["rounds_b"][i] if i < len(o["rounds_b"]) else {}
        lines.append(
            f"| {i + 1} | {_numbers(a, unit=unit)} (mean {_ms(a['mean_ms'])}) | "
            f"{_numbers(b, unit=unit) + ' (mean ' + _ms(b['mean_ms']) + ')' if b else '–'} |"
        )
    median_b = _numbers(o["baseline_numbers"], unit=unit)
    lines.append(f"| median | {_numbers(o['magicshelf'], unit=unit)} | {median_b} |")
    lines.append("")
    for name, value in o["extra"].items():
        lines.append(f"- {name.replace('_', ' ')}: {_n(value)}")
    lines += [f"- {note}" for note in o["notes"]]
    if o["commands"]:
        lines += [
            "",
            "Commands (MagicShelf's port first, then the baseline's; the first pair "
            "warms up; the data files live in the run's temporary folder):",
        ]
    lines += ["", "```", *o["commands"], "```", ""]
    return lines


def _table(mapping: Json) -> list[str]:
    return ["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in mapping.items()), ""]


def _before_after(results: Json, before: Json | None) -> list[str]:
    if before is None:
        return ["No bench/before.json: no before/after comparison.", ""]
    old = {o["key"]: o for o in before["outcomes"]}
    lines = [
        f"Before: {before.get('label', 'the code before the speed work')}. "
        "Same machine, same harness, medians of the A/B rounds; baselines measured anew "
        "in each run.",
        "",
        "| scenario | before | after | before ratio | after ratio |",
        "|---|---|---|---|---|",
    ]
    for o in results["outcomes"]:
        was = old.get(o["key"])
        if was is None or not o["available"] or not was["available"]:
            continue
        unit = _unit(o)
        lines.append(
            f"| ({o['key']}) {o['title']} | {_numbers(was['magicshelf'], unit=unit)} | "
            f"{_numbers(o['magicshelf'], unit=unit)} | {_ratio(was)} | {_ratio(o)} |"
        )
    if "sql_read" in before:
        lines += [
            "",
            f"SQL statements per book read: before {len(_statements(before))}, "
            f"after {len(_statements(results))}.",
        ]
    return [*lines, ""]


def _statements(results: Json) -> list[str]:
    return [s for s in results.get("sql_read", []) if not s.startswith("-- parameters:")]


def _profile(results: Json) -> list[str]:
    data = results.get("profile") or {}
    if "error" in data or not data:
        return [f"Profile not taken: {data.get('error', 'no data')}", ""]
    lines = [
        f"py-spy, {results['plan']['profile_seconds']:g} s while wrk ran (a); collapsed "
        f"stacks in `{data['file']}`.",
        "",
        "| where (inclusive) | share of samples |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v:.0%} |" for k, v in data["layers"].items()]
    lines += ["", "| hottest frames (self) | self | inclusive |", "|---|---|---|"]
    lines += [
        f"| `{h['frame']}` | {h['self_share']:.1%} | {h['total_share']:.1%} |"
        for h in data["hotspots"]
    ]
    return [*lines, ""]


def render(results: Json, *, before: Json | None, notes: Path | None = None) -> str:
    plan = results["plan"]
    notes = notes or Path(__file__).resolve().parent / "NOTES.md"
    lines = [
        "# MagicShelf benchmark report",
        "",
        f"Generated by `make bench` (plan *{plan['name']}*) on {results['started']}; the run "
        f"took {results['elapsed_seconds'] / 60:.1f} min. Do not edit by hand: edit "
        "`bench/NOTES.md` or the harness and run `make bench` again.",
        "",
        "Everything ran on **one 2-core machine**: MagicShelf with **one uvicorn worker**, "
        "PostgreSQL, the baselines and the load generator (wrk) share the two cores, so "
        "absolute numbers are lower than on a dedicated server; the ratios are what matter.",
        "",
        "## Summary",
        "",
        *_summary(results),
        "",
        f"Medians of {plan['rounds']} A/B rounds of {plan['seconds']:g} s "
        f"({plan['upload_seconds']:g} s for uploads), {plan['connections']} connections "
        f"unless said otherwise.",
        "",
    ]
    if notes.exists():
        lines += [notes.read_text().strip(), ""]
    lines += recordings(results.get("audio"))
    lines += ["## Before and after the speed work", "", *_before_after(results, before)]
    lines += [
        "## The SQL of one book read",
        "",
        "Captured with `log_statement=all` on the bench cluster around one "
        "`GET /api/books/{code}` on a warm connection:",
        "",
        "```sql",
        *results.get("sql_read", []),
        "```",
        "",
    ]
    for key, what in (
        ("sql_revalidate", "the same request with the current ETag in `If-None-Match` (304)"),
        ("sql_stale", "with an ETag of an older revision (200, the whole book)"),
    ):
        if key in results:
            lines += [f"And {what}:", "", "```sql", *results[key], "```", ""]
    lines += _database(results)
    lines += ["## Profile", "", *_profile(results)]
    lines += ["## Every round", ""]
    for o in results["outcomes"]:
        lines += _rounds(o)
    lines += ["## Machine", "", *_table(results["machine"])]
    lines += ["## Versions", "", *_table(results["versions"])]
    lines += ["## Settings", "", *_settings(results)]
    lines += ["## Reproduce", "", *REPRODUCE]
    return "\n".join(lines).rstrip() + "\n"


def recordings(data: Json | None) -> list[str]:
    """The section on bench/audio.py's numbers, if the run has them."""
    if not data:
        return []
    lines = [
        "## One recording, per input format",
        "",
        f"`bench/audio.py`: {data['seconds']:g} s of speech (the tests' synthetic voice, a "
        "second of room hiss at each end) encoded as each browser or phone would, then "
        "`process_audio` in a fresh process, so the peak RSS (VmHWM) is one job's. A process "
        f"that only imports the pipeline peaks at {data['floor_rss_mb']:.0f} MB.",
        "",
        "| input | bytes in | wall | CPU | peak RSS | bytes out | kB per minute |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {kind} | {job['input_bytes']:,} | {job['wall_s']:.2f} s | {job['cpu_s']:.2f} s | "
        f"{job['peak_rss_mb']:.0f} MB | {job['output_bytes']:,} | "
        f"{job['output_kb_per_minute']:.0f} |"
        for kind, job in data["formats"].items()
    ]
    return [*lines, ""]


def _database(results: Json) -> list[str]:
    lines = [
        "## Database size and bulk seed",
        "",
        "| | books | seed time | bytes per book |",
        "|---|---|---|---|",
    ]
    for name in ("main", "scale"):
        size, seeded = results.get(f"bytes_{name}"), results.get(f"seed_{name}")
        if size and seeded:
            lines.append(
                f"| {name} | {size['books']:,} | {seeded['seconds']:.1f} s | "
                f"{size['per_book']:,.0f} |"
            )
    lines += [
        "",
        "Bytes per book: `pg_total_relation_size('books') + "
        "pg_total_relation_size('pages')` (heap, indexes, TOAST) / count, after "
        "`VACUUM ANALYZE`, images and sound not included (they live in blob storage). Every "
        "seeded book is finished: six pages, each with 1-4 sentences of text, a drawing "
        "(three blob keys) and a recording (one blob key and its length). Seed time: one "
        "transaction of binary COPY (50,000 books per batch) plus `VACUUM ANALYZE`, codes "
        "generated included; then an untimed `CHECKPOINT`, so no checkpoint writes the seed "
        "back during the reads.",
        "",
    ]
    costs = [(name, results.get(f"read_cost_{name}")) for name in ("main", "scale")]
    if all(cost for _, cost in costs):
        lines += [
            "PostgreSQL's own time per book read: `EXPLAIN (ANALYZE, BUFFERS)` of the read "
            "query for 1,000 random codes, after 2,000 plain reads (bench/explain.py). "
            "Buffers *read* were not in `shared_buffers` and came from the OS page cache.",
            "",
            "| | execution p50 | execution p99 | buffers hit | buffers read |",
            "|---|---|---|---|---|",
            *(
                f"| {name} | {cost['p50_us']:.0f} µs | {cost['p99_us']:.0f} µs | "
                f"{cost['hit']:.1f} | {cost['read']:.1f} |"
                for name, cost in costs
                if cost
            ),
            "",
        ]
    return lines


def _options(options: dict[str, str]) -> str:
    return ", ".join(f"`{name}={value}`" for name, value in options.items())


def _settings(results: Json) -> list[str]:
    plan = results["plan"]
    return [
        "- MagicShelf: `magicshelf serve` (started as `python -m bench.appserver`, which calls "
        "the same function), `MAGICSHELF_WORKERS=1`, other settings default "
        "(`MAGICSHELF_DB_POOL_SIZE=20`, `MAGICSHELF_RENDER_SLOTS=1`, "
        "`MAGICSHELF_MEDIA_CACHE_BYTES=8000000`, `MAGICSHELF_ACCESS_LOG=true`: a JSON line per "
        "request, into a file), PostgreSQL via asyncpg, media on the local disk.",
        "- ASGI baseline: `python -m bench.baseline_app PORT` (uvicorn.run, one worker, no "
        "access log, uvloop and httptools picked by uvicorn as for MagicShelf), "
        "asyncpg pool of 10-20 connections without asyncpg's reset query on release, so "
        "exactly one SQL query per read (bench/baseline_app.py).",
        "- nginx: one worker, `sendfile on`, no access log, the same media folder.",
        f"- PostgreSQL options: {_options(results['postgres_options'])}; fsync and "
        "synchronous_commit at their defaults (on).",
        f"- wrk: 2 threads (1 for uploads and the PDF), {plan['connections']} connections "
        f"(creates {plan['create_connections']}, uploads one per core, PDF 1), timeout 10 s.",
        f"- Data: {plan['books']:,} books for (a)-(g), {plan['scale']:,} for the scale part; "
        f"drawings {plan['drawing'][0]}x{plan['drawing'][1]}, phone photo "
        f"{plan['photo'][0]}x{plan['photo'][1]} (~{plan['photo'][2] / 1e6:g} MB).",
        "",
    ]


REPRODUCE = [
    "```sh",
    "make bench                  # full run (~14 min here): this report + bench/results/full/",
    "BENCH_QUICK=1 make bench    # shorter rounds, 100,000 books for the scale part",
    "BENCH_SCALE=200000 make bench",
    "make bench-smoke            # ~90 s; checks the harness, writes bench/results/smoke/",
    "python -m bench.stack_cost  # CPU per request through the ASGI stack (NOTES.md)",
    "python -m bench.class_pdf   # (h) alone, in ~30 s: a class of 30 books in one PDF",
    "python -m bench.audio [SECONDS]  # one recording per input format: time, memory, bytes",
    "python -m bench.report      # REPORT.md again from bench/results/full/ (after NOTES.md edits)",
    "```",
    "",
    "`make bench` installs wrk, nginx and PostgreSQL when missing (scripts/bench-deps) and "
    "py-spy from bench/requirements.txt (pinned, with hashes), then runs "
    "`python -m bench.run`. The exact wrk command of every scenario is under *Every round*; "
    "data files (`book-paths.tsv` etc.) are written by the run into its temporary folder.",
]


def main() -> None:
    """Write bench/REPORT.md again from the last full run, e.g. after editing NOTES.md."""
    bench = Path(__file__).resolve().parent
    results = json.loads((bench / "results" / "full" / "results.json").read_text())
    (bench / "REPORT.md").write_text(render(results, before=load_before(bench)))


if __name__ == "__main__":
    main()
