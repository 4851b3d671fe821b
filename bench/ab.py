"""A/B rounds: MagicShelf and its baseline take turns (A B A B …); medians per metric.

Taking turns on one machine spreads drift (CPU frequency, page cache, a noisy neighbour
on the VM) over both sides, so a ratio of medians is fairer than two separate runs.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

Numbers = dict[str, float]
Measure = Callable[[], Numbers]
METRICS = ("rps", "p50_ms", "p99_ms", "mean_ms")


@dataclass
class Rounds:
    a: list[Numbers] = field(default_factory=list)
    b: list[Numbers] = field(default_factory=list)

    def median(self, side: str) -> Numbers:
        runs = self.a if side == "a" else self.b
        if not runs:
            return {}
        numbers = {name: statistics.median(run[name] for run in runs) for name in METRICS}
        numbers["errors"] = sum(run.get("errors", 0) for run in runs)
        numbers["requests"] = sum(run.get("requests", 0) for run in runs)
        return numbers


def alternate(a: Measure, b: Measure | None, *, rounds: int, warm_up: Callable[[], None]) -> Rounds:
    """Warm both sides up (not recorded), then ``rounds`` times: measure A, then B."""
    warm_up()
    result = Rounds()
    for _ in range(rounds):
        result.a.append(a())
        if b is not None:
            result.b.append(b())
    return result


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")
