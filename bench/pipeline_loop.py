"""The upload baseline: the bare pipeline, ``process_image`` in a loop, no HTTP, no storage.

It runs as many threads as the app has render slots (MAGICSHELF_RENDER_SLOTS), each processing the
same photo over and over until the time is up, and prints one JSON line with the
throughput, per-image latencies and this process's peak RSS. Usage:
``python -m bench.pipeline_loop PHOTO SECONDS THREADS``.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from pathlib import Path

from magicshelf.illustrations.pipeline import process_image

MAX_PIXELS = 40_000_000  # MagicShelf's default limit


def _worker(photo: Path, deadline: float, timings: list[float], lock: threading.Lock) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        process_image(photo, max_pixels=MAX_PIXELS)
        with lock:
            timings.append(time.perf_counter() - started)


def _peak_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main(argv: list[str]) -> None:
    photo, seconds, threads = Path(argv[0]), float(argv[1]), int(argv[2])
    process_image(photo, max_pixels=MAX_PIXELS)  # warm-up: imports, codec tables
    timings: list[float] = []
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds
    pool = [
        threading.Thread(target=_worker, args=(photo, deadline, timings, lock))
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
                "images": len(timings),
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
