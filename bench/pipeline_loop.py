"""The upload baseline: the bare pipeline in a loop, no HTTP, no storage.

It runs as many threads as the app has render slots (MAGICSHELF_RENDER_SLOTS), each processing the
same file over and over until the time is up (``process_image`` for a drawing,
``process_audio`` for a recording), and prints one JSON line with the throughput, per-job
latencies and this process's peak RSS. Usage:
``python -m bench.pipeline_loop image|recording FILE SECONDS THREADS``.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from magicshelf.settings import Settings

_DEFAULTS = Settings()  # the limits the app runs the pipelines with


def _pipeline(kind: str) -> Callable[[Path], object]:
    """The pipeline of ``kind``, and only it imported: the peak RSS is that pipeline's."""
    if kind == "image":
        from magicshelf.illustrations.pipeline import process_image

        return lambda path: process_image(path, max_pixels=_DEFAULTS.max_image_pixels)
    if kind == "recording":
        from magicshelf.voices.pipeline import process_audio

        return lambda path: process_audio(path, max_seconds=_DEFAULTS.max_audio_seconds)
    raise SystemExit(f"no pipeline for {kind!r}: image or recording")


def _worker(
    job: Callable[[], object], deadline: float, timings: list[float], lock: threading.Lock
) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        job()
        with lock:
            timings.append(time.perf_counter() - started)


def _peak_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main(argv: list[str]) -> None:
    pipeline, sample = _pipeline(argv[0]), Path(argv[1])
    seconds, threads = float(argv[2]), int(argv[3])

    def job() -> object:
        return pipeline(sample)

    job()  # warm-up: imports, codec tables
    timings: list[float] = []
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds
    pool = [
        threading.Thread(target=_worker, args=(job, deadline, timings, lock))
        for _ in range(threads)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(timings)
    print(
        json.dumps(
            {
                "jobs": len(timings),
                "seconds": round(elapsed, 3),
                "rps": round(len(timings) / elapsed, 3),
                "p50_ms": round(statistics.median(ordered) * 1000, 1),
                "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
                "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
                "peak_rss_kib": _peak_rss_kib(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
