"""The ``magicshelf`` command: serve, migrate, demo, gc, teacher."""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import dataclasses
import gc
import logging
import math
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from importlib.metadata import version
from types import FrameType
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit, urlunsplit

import uvicorn
from pydantic import ValidationError

from magicshelf.db import connection_failure, safe_url
from magicshelf.illustrations.storage import storage_from_url
from magicshelf.logs import configure_logging, logging_config
from magicshelf.settings import Settings

if TYPE_CHECKING:
    from magicshelf.app import MagicShelfApp

log = logging.getLogger("magicshelf")


# glibc's mallopt parameter number for the number of malloc arenas (malloc.h: M_ARENA_MAX).
_M_ARENA_MAX = -8


def _share_malloc_arenas() -> None:
    """Let the worker's threads share two malloc arenas instead of one each (glibc only).

    glibc keeps freed memory in the arena of the thread that used it, and asyncio's pool
    has up to min(32, cores + 4) threads for file and S3 work: each kept its own leftovers.
    When pictures were still decoded on that pool, a worker taking 12 MP photos two at a
    time peaked at 581 MB; two shared arenas cut that to ~400 MB at no cost in speed.
    Pictures now have their own threads (``renderer.py``), and this still bounds what the
    other threads can hoard. Nothing to do on other C libraries (musl, macOS).
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_ARENA_MAX, 2)


def create_app_for_serving() -> MagicShelfApp:
    """The app as ``serve`` runs it: built from the environment, start-up garbage frozen.

    Everything made up to here (modules, routes, schemas, the ORM's mappers) lives as long
    as the process. ``gc.freeze`` moves it out of the collector's generations, so the
    full collections that request garbage triggers no longer walk it each time.
    """
    from magicshelf.app import create_app_from_env

    _share_malloc_arenas()  # before any thread exists
    app = create_app_from_env()
    gc.collect()
    gc.freeze()
    return app


def _log_start(settings: Settings, args: argparse.Namespace) -> None:
    storage, running = urlsplit(settings.storage_url), version("magicshelf")
    log.info(
        "MagicShelf %s starting",
        running,
        extra={
            "version": running,
            "database": safe_url(settings.database_url),  # password hidden
            # Without its query: a hand-written endpoint URL could carry credentials.
            "storage": urlunsplit((storage.scheme, storage.netloc, storage.path, "", "")),
            "workers": args.workers or settings.workers,
            "log_format": settings.log_format,
            "access_log": settings.access_log,
        },
    )


def _stopped(signum: int, frame: FrameType | None) -> NoReturn:
    raise SystemExit(0)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    # uvicorn raises SIGTERM again once its graceful shutdown is over, under the handler
    # found before it started: with this one a stop that went as planned exits 0 (and
    # before uvicorn runs, SIGTERM simply stops the start).
    signal.signal(signal.SIGTERM, _stopped)
    if settings.auto_migrate:
        # In a child process, so Alembic (~10 MB of modules) never loads into the worker.
        migrate = [sys.executable, "-m", "magicshelf.cli", "migrate"]
        if (migrated := subprocess.run(migrate, check=False)).returncode != 0:  # noqa: S603
            return migrated.returncode
    _log_start(settings, args)
    # Workers re-read settings from the environment; pass overrides down that way.
    uvicorn.run(
        "magicshelf.cli:create_app_for_serving",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
        # Applied by the app itself (request_log.py), which needs the peer's own address.
        proxy_headers=False,
        server_header=False,
        log_level="info",
        log_config=logging_config(settings.log_format),
        # On SIGTERM: stop accepting, let requests in flight finish for this long (uvicorn
        # counts whole seconds), then cancel what is left and exit 0.
        timeout_graceful_shutdown=math.ceil(settings.shutdown_timeout_seconds),
        # uvicorn's line per request cost ~15% of a worker's throughput on book reads and
        # shows raw paths (magic codes); the app writes its own (MAGICSHELF_ACCESS_LOG).
        access_log=False,
    )
    return 0


def _migrate(settings: Settings, _: argparse.Namespace) -> int:
    from magicshelf import migrations

    migrations.upgrade(settings)
    log.info("Database is up to date.", extra={"database": safe_url(settings.database_url)})
    return 0


def _demo(settings: Settings, _: argparse.Namespace) -> int:
    from magicshelf import migrations
    from magicshelf.demo import create_demo_book, create_demo_class

    if settings.auto_migrate:
        migrations.upgrade(settings)
    code, edit_key = asyncio.run(create_demo_book(settings))
    teacher = asyncio.run(create_demo_class(settings))
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    print(f"Stored in:  {safe_url(settings.database_url)}")
    print(f"            and {settings.storage_url}")
    print(f"Served:     {_who_serves(base, code, settings)}")
    print(f"Magic code: {code}")
    print(f"Edit key:   {edit_key}")
    print(f"Read it:    {base}/read/{code}")
    print(f"As JSON:    {base}/api/books/{code}")
    print()
    print(f"Teacher:    {teacher.email}")
    print(f"Password:   {teacher.password}")
    print(f"Studio:     {base}/studio")
    print("The password is shown only now; running demo again gives her a new one and")
    print(
        "one more class."
        + (" She is the school's admin (the first account)." if teacher.is_admin else "")
    )
    return 0


def _who_serves(base: str, code: str, settings: Settings) -> str:
    """Whether the server at ``base`` reads the database the demo just wrote to.

    The demo writes to the database of its own MAGICSHELF_* settings; a server started
    with others answers its code with 404, which is worth one line here, not a mystery.
    """
    # urllib, not httpx: httpx is a test dependency, absent where only run.lock is installed.
    try:
        with urllib.request.urlopen(f"{base}/api/books/{code}", timeout=3) as answer:  # noqa: S310 (our own http base)
            status = answer.status
    except urllib.error.HTTPError as refused:
        status = refused.code
    except OSError:
        return f"no server answers at {base}: start one with these settings ('make run')"
    if status == 200:
        return f"yes, by the server at {base}"
    return (
        f"NOT by the server at {base} (it answers {status}): it uses another "
        f"database; start it with the same MAGICSHELF_DATA_DIR ({settings.data_dir}) or "
        "MAGICSHELF_DATABASE_URL"
    )


def _gc(settings: Settings, args: argparse.Namespace) -> int:
    from magicshelf.illustrations.gc import run_gc

    grace = args.grace if args.grace is not None else settings.gc_grace_seconds
    result = asyncio.run(run_gc(settings, grace_seconds=grace))
    print(
        f"Deleted {result.deleted} unreferenced blob(s), freeing "
        f"{result.freed_bytes / 1_000_000:.1f} MB; {result.kept} old blob(s) are in use."
    )
    if result.unfinished:
        print(f"Deleted {result.unfinished} unfinished write(s) left by a stopped worker.")
    # The same as one line for the operator's log (cron or a timer runs gc unattended).
    log.info("gc finished", extra={**dataclasses.asdict(result), "grace_seconds": grace})
    return 0


def _teacher_link(settings: Settings, args: argparse.Namespace) -> int:
    from magicshelf.teachers.cli import teacher_link

    try:
        url = asyncio.run(teacher_link(settings, email=args.email, purpose=args.purpose))
    except ValueError as error:
        print(f"magicshelf: {error}", file=sys.stderr)
        return 2
    words = "Invitation" if args.purpose == "invite" else "Password reset"
    print(f"{words} link for {args.email.lower()} (works once, for {settings.invitation_hours} h):")
    print(url)
    return 0


def _book_rekey(settings: Settings, args: argparse.Namespace) -> int:
    from magicshelf.books.cli import rekey

    try:
        code, edit_key = asyncio.run(rekey(settings, args.code))
    except ValueError as error:
        print(f"magicshelf: {error}", file=sys.stderr)
        return 2
    print(f"New edit key for {code} (the old one no longer opens it; the code stays):")
    print(edit_key)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="magicshelf",
        description="MagicShelf: children's picture books, from the school to the family.",
        epilog="Settings come from MAGICSHELF_* environment variables (see the README).",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also show each migration step"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the web service (migrates SQLite first)")
    serve.add_argument("--host", help="address to listen on (MAGICSHELF_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (MAGICSHELF_PORT)")
    serve.add_argument("--workers", type=int, help="worker processes (MAGICSHELF_WORKERS)")
    serve.set_defaults(handler=_serve)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(handler=_migrate)
    commands.add_parser(
        "demo", help="create a sample book, and a demo teacher with a class"
    ).set_defaults(handler=_demo)
    gc = commands.add_parser(
        "gc", help="delete stored drawings and recordings that no page uses any more"
    )
    gc.add_argument(
        "--grace",
        type=int,
        help="only blobs older than this many seconds (MAGICSHELF_GC_GRACE_SECONDS, 3600)",
    )
    gc.set_defaults(handler=_gc)
    teacher = commands.add_parser("teacher", help="one-time links for teachers")
    links = teacher.add_subparsers(dest="action", required=True)
    for purpose, action, text in (
        ("invite", "invite", "print an invitation link for a new teacher"),
        ("reset", "reset", "print a link that sets a new password"),
    ):
        link = links.add_parser(action, help=text)
        link.add_argument("email")
        link.set_defaults(handler=_teacher_link, purpose=purpose)
    book = commands.add_parser("book", help="a book's edit key")
    book_actions = book.add_subparsers(dest="action", required=True)
    rekey = book_actions.add_parser("rekey", help="replace a lost edit key, keeping the code")
    rekey.add_argument("code", help="the magic code, typed any way")
    rekey.set_defaults(handler=_book_rekey)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        where = "".join(f"MAGICSHELF_{str(part).upper()}: " for part in first["loc"])
        print(f"magicshelf: bad setting {where}{message}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format)
    # Alembic logs each migration step: news for migrate and serve, noise for demo and
    # the rest, unless asked.
    if not args.verbose and args.command not in ("migrate", "serve"):
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        # Build the storage once up front so a bad URL is one clear line, not a traceback.
        asyncio.run(storage_from_url(settings.storage_url).close())
    except ValueError as error:
        print(f"magicshelf: bad setting MAGICSHELF_STORAGE_URL: {error}", file=sys.stderr)
        return 2
    try:
        return int(args.handler(settings, args))
    except Exception as error:
        # Only what can be named in one line; anything else is a bug, shown as itself.
        failure = connection_failure(error)
        if failure is None:
            raise
        print(f"magicshelf: {failure}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
