"""docs/deploy.md holds only commands a test runs: each shell block, as written."""

from __future__ import annotations

import re
from pathlib import Path

from tests.deploy.doc import DEPLOY, headings_with_commands

TESTS = Path(__file__).resolve().parent


def headings_the_tests_run() -> set[str]:
    """Headings passed to deploy_commands("…") by the tests of this folder."""
    found: set[str] = set()
    for test in TESTS.glob("test_*.py"):
        found |= set(re.findall(r'deploy_commands\(\s*"([^"]+)"', test.read_text("utf-8")))
    return found


def test_every_shell_block_of_deploy_md_is_run_by_a_test() -> None:
    documented = headings_with_commands()
    assert len(documented) >= 4, documented  # install, back up, restore, upgrade
    assert sorted(set(documented) - headings_the_tests_run()) == []


def test_the_commands_are_only_in_blocks_a_test_runs() -> None:
    # A command written in another kind of block, or in a block a heading-less test would
    # miss, would not be run: only ```sh blocks under a heading, and no other code blocks
    # that look like shell.
    text = DEPLOY.read_text(encoding="utf-8")
    fences = re.findall(r"^\s*```(\w*)$", text, flags=re.MULTILINE)
    opening = fences[0::2]
    assert set(opening) == {"sh"}, opening
