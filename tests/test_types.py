"""The code's types: mypy, with Django's stubs, checks `src/` as pyproject.toml configures it,
and no error is silenced without saying why."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"

# The types do not depend on the database: checked once, in the SQLite suite (`.ci/run` runs the
# PostgreSQL suite beside it).
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the types are checked once, in the SQLite suite"
)

# `# type: ignore[code]` then the reason (`  # why`) on the same line, or on the line above.
_IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?(?P<after>.*)$")


def _sources() -> list[Path]:
    return sorted(path for path in SRC.rglob("*.py") if "migrations" not in path.parts)


def test_src_type_checks_with_mypy_and_djangos_stubs():
    # A cache in .mypy_cache (not committed) makes a second run take seconds, not a minute.
    path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_type_ignore_names_the_error_and_says_why():
    unexplained = []
    for path in _sources():
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, 1):
            found = _IGNORE.search(line)
            if found is None:
                continue
            said_after = re.match(r"\s*#\s*\S", found["after"])
            said_above = number > 1 and lines[number - 2].strip().startswith("#")
            if not found["codes"] or not (said_after or said_above):
                unexplained.append(f"{path.relative_to(REPO)}:{number}")
    assert not unexplained, f"a type: ignore without its error code or reason: {unexplained}"


def test_the_acting_user_is_typed_wherever_it_is_taken():
    # `by`, the user a domain function acts for, is what its permission check and audit entry
    # read: each function says which kind of user (or None, for the public or an operator).
    untyped = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                arguments = node.args
                for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                    if argument.arg == "by" and argument.annotation is None:
                        untyped.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
    assert not untyped, f"`by` without its type: {untyped}"
