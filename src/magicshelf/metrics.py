"""Prometheus metrics at GET /metrics: requests and latency per route template, limiter
decisions, blob storage latency and errors (``illustrations/measured.py``), the database
pools and render queue, and books and illustrations stored (``gauges.py``, read when
scraped, so requests pay nothing for them).

Each worker process keeps its own numbers (scrape every replica/worker, or run one worker
per container). Routes are labelled by their template (``/api/books/{code}``), never by
the raw path, so magic codes do not leak into metrics or blow up their cardinality.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

from magicshelf.gauges import StoredCounts
from magicshelf.illustrations.measured import StorageMetrics
from magicshelf.limits.window import Decision
from magicshelf.resources import resources

router = APIRouter(tags=["operations"])


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "magicshelf_http_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "magicshelf_http_request_duration_seconds",
            "Time from request to the end of the response",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.limiter_decisions = Counter(
            "magicshelf_limiter_decisions",
            "Answers of the limiters (misses, login-account, login-address, writes)",
            ["limiter", "decision"],
            registry=self.registry,
        )
        self.storage = StorageMetrics(self.registry)
        self.stored = StoredCounts(self.registry)
        # labels() validates and locks on every call; the children it returns are stable.
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def limiter_decided(self, limiter: str, decision: Decision) -> None:
        self.limiter_decisions.labels(limiter, decision).inc()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration."""
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(method, route),
            )
            self._children[key] = children
        counter, histogram = children
        counter.inc()
        histogram.observe(seconds)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics(request: Request) -> Response:
    """Prometheus text format: this worker's requests, limiters, storage, pools and queue."""
    held = resources(request)
    await held.metrics.stored.refresh(held.database, held.settings.database_timeout_seconds)
    registry = held.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
