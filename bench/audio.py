"""What one page recording costs: time, memory and bytes, per accepted input format.

    python -m bench.audio [seconds]

For each format a recording of ``seconds`` (default 60: voice with a second of hiss at
each end) is generated with the tests' corpus, then processed in a fresh subprocess, so
the peak RSS (VmHWM) is that of one job. A child that only imports the pipeline and PyAV
gives the floor, so the job's own memory shows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.voices import corpus

from bench import report

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from magicshelf.voices.pipeline import process_audio
import av  # noqa: F401

def peak_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

result = {}
if len(sys.argv) > 1:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    recording = process_audio(Path(sys.argv[1]), max_seconds=int(sys.argv[2]))
    after = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "wall_s": time.perf_counter() - started,
        "cpu_s": after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime,
        "output_bytes": len(recording.data),
        "duration_s": recording.duration_seconds,
    }
result["peak_rss_mb"] = peak_mb()
print(json.dumps(result))
"""


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def run(out_dir: Path, seconds: float = 60) -> dict[str, Any]:
    """Process a ``seconds``-long recording in each format; the numbers, JSON-able."""
    out_dir.mkdir(parents=True, exist_ok=True)
    voice = corpus.reading(seconds)
    jobs: dict[str, Any] = {}
    for kind in corpus.FORMATS:
        upload = out_dir / f"recording.{kind}"
        upload.write_bytes(corpus.encode(voice, kind))
        job = _child(str(upload), str(int(seconds) + 60))
        job["input_bytes"] = upload.stat().st_size
        job["output_kb_per_minute"] = job["output_bytes"] / 1000 / (job["duration_s"] / 60)
        jobs[kind] = job
        upload.unlink()
    return {"seconds": seconds, "floor_rss_mb": _child()["peak_rss_mb"], "formats": jobs}


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60
    with tempfile.TemporaryDirectory(prefix="magicshelf-bench-audio-") as directory:
        result = run(Path(directory), seconds)
    print("\n".join(report.recordings(result)))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
