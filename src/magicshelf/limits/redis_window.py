"""A sliding window in Redis, shared by every replica: one sorted set of event times per key.

Each answer is one Lua script run on the server, so trimming, counting and adding are
atomic however many replicas ask at once, and the time is the server's own (replicas'
clocks never disagree about a window). Keys hold a SHA-256 of the client's address or
e-mail, never the value itself. Redis errors are raised: ``FallbackWindow`` handles them.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from typing import Literal

from redis.asyncio import Redis

from magicshelf.limits.window import Window

# KEYS[1]: the key's sorted set. ARGV: mode (check, record, acquire), window in ms,
# limit, a unique member. Returns the milliseconds to wait, or -1 when the key may go on.
_SCRIPT = """
local key, mode = KEYS[1], ARGV[1]
local window, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if mode ~= 'record' and redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
  return tonumber(oldest) + window - now
end
if mode == 'check' then
  return -1
end
redis.call('ZADD', key, now, ARGV[4])
-- Only the newest `limit` events can matter for the answer.
redis.call('ZREMRANGEBYRANK', key, 0, -limit - 1)
redis.call('PEXPIRE', key, window)
return -1
"""


class RedisWindow(Window):
    def __init__(self, client: Redis, *, name: str, limit: int, window_seconds: float) -> None:
        self._script = client.register_script(_SCRIPT)
        self._prefix = f"magicshelf:limit:{name}:"
        self._limit = limit
        self._window_ms = math.ceil(window_seconds * 1000)

    def _key(self, key: str) -> str:
        return self._prefix + hashlib.sha256(key.encode()).hexdigest()

    async def _run(self, mode: Literal["check", "record", "acquire"], key: str) -> int | None:
        member = secrets.token_hex(8)  # two events in the same millisecond stay two
        waited = int(
            await self._script(
                keys=[self._key(key)], args=[mode, self._window_ms, self._limit, member]
            )
        )
        return None if waited < 0 else max(1, math.ceil(waited / 1000))

    async def retry_after(self, key: str) -> int | None:
        return await self._run("check", key)

    async def record(self, key: str) -> None:
        await self._run("record", key)

    async def acquire(self, key: str) -> int | None:
        return await self._run("acquire", key)
