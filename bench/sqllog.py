"""Show the SQL one request costs: PostgreSQL's log_statement=all around a single request."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from bench.pg import Cluster

_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


async def capture(cluster: Cluster, request: Callable[[], None]) -> list[str]:
    """Statements (and their parameters) the servers ran while ``request()`` ran.

    The harness's own connection (application_name "bench", which switches the logging
    on and off) is left out; everything else in the window comes from the request.
    """
    # Let requests still queued from the last load run finish first: only ours may log.
    await asyncio.sleep(3)
    offset = cluster.log.stat().st_size
    await cluster.set_log_statement("all")
    # Backends pick up the reload before their next command; give the signal a moment.
    await asyncio.sleep(0.5)
    await asyncio.to_thread(request)
    await asyncio.sleep(0.2)
    await cluster.set_log_statement("none")
    with cluster.log.open("rb") as log:
        log.seek(offset)
        text = log.read().decode(errors="replace")
    return _statements(text)


def _statements(text: str) -> list[str]:
    # A message starts with the log_line_prefix ("2026-11-27 13:19:50.123 UTC [pid] app=…");
    # lines without it continue the message above (multi-line SQL).
    messages: list[str] = []
    for line in text.splitlines():
        if _PREFIX.match(line):
            messages.append(line)
        elif messages:
            messages[-1] += " " + line.strip()
    wanted = []
    for message in messages:
        if " app=bench " in message:
            continue  # the harness switching the logging on and off
        for marker in ("LOG:  statement: ", "LOG:  execute ", "DETAIL:  parameters: "):
            if marker in message:
                text = message.split(marker, 1)[1]
                kind = {"LOG:  execute ": "execute ", "DETAIL:  parameters: ": "-- parameters: "}
                wanted.append(kind.get(marker, "") + " ".join(text.split()))
    return wanted
