"""Start MagicShelf exactly as ``magicshelf serve`` does (same function, same options).

Run as ``python -m bench.appserver``, so the process is not named after the app: other
people's ``pkill -f "magicshelf serve"`` on a shared machine leaves the benchmark alone.
"""

from __future__ import annotations

from magicshelf.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["serve"]))
