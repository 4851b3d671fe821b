"""Failed sign-ins counted per account and per client address, so passwords can't be guessed.

Two sliding windows: a few failures per account (someone guessing one teacher's
password from many addresses) and more per address (one machine trying many accounts).
Over either, every sign-in from there gets 429, right password or not, until the window
frees: answering it normally would tell the guesser the password was right.
"""

from __future__ import annotations

from magicshelf.limits.window import Window


class LoginThrottle:
    def __init__(self, *, accounts: Window, addresses: Window) -> None:
        self._accounts = accounts
        self._addresses = addresses

    async def retry_after(self, email: str, address: str) -> int | None:
        waits = [
            await self._accounts.retry_after(email),
            await self._addresses.retry_after(address),
        ]
        return max((wait for wait in waits if wait is not None), default=None)

    async def record_failure(self, email: str, address: str) -> None:
        await self._accounts.record(email)
        await self._addresses.record(address)
