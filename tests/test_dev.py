"""`python3 dev.py run` stopped by a signal stops everything it started.

dev.py is run from a copy in a scratch folder whose `.venv/bin/python` is a stand-in: set-up is
already up to date, migrate and load-demo end at once, and the server, worker and schedule each
start a child of their own and wait to be stopped. Each writes its process id down, and the test
checks that none is left after dev.py is sent SIGTERM or SIGINT. It takes a second or two, not
the minutes of loading the demo council.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.name == "nt", reason="process groups are POSIX")

# The stand-in for .venv/bin/python: `-m frontdoor COMMAND ...`.
STAND_IN = """\
import os, socket, subprocess, sys, time
command = sys.argv[3]
if command in ("migrate", "load-demo"):
    sys.exit(0)
pids = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pids")
# A child of the child: what dev.py stops must reach it too (its process group).
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
with open(os.path.join(pids, command), "w") as out:
    out.write(f"{os.getpid()} {grandchild.pid}")
if command == "runserver":
    host, port = sys.argv[-1].rsplit(":", 1)
    server = socket.create_server((host, int(port)))
time.sleep(600)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A process that has ended but not yet been reaped by its parent is not running.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of dev.py with a stand-in Python and its set-up stamps already up to date."""
    shutil.copy(REPO / "dev.py", tmp_path / "dev.py")
    python = tmp_path / ".venv/bin/python"
    python.parent.mkdir(parents=True)
    (python.parent / "stand_in.py").write_text(STAND_IN)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$(dirname "$0")/stand_in.py" "$@"\n')
    python.chmod(0o755)
    (tmp_path / "pids").mkdir()
    nothing = hashlib.sha256(b"--").hexdigest()  # requirements.txt and pyproject.toml: absent
    (tmp_path / ".venv/.frontdoor-installed").write_text(nothing)
    one_absent = hashlib.sha256(b"-").hexdigest()  # package-lock.json: absent, no stylesheet
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules/.frontdoor-installed").write_text(one_absent)
    (tmp_path / "var/assets").mkdir(parents=True)
    (tmp_path / "var/assets/.built-from").write_text(one_absent)
    npm = tmp_path / "bin/npm"  # found on the PATH, never run: the stamps are up to date
    npm.parent.mkdir()
    npm.write_text("#!/bin/sh\nexit 1\n")
    npm.chmod(0o755)
    return tmp_path


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_dev_py_run_stops_the_server_worker_and_what_they_started(scratch, signum):
    env = {
        **os.environ,
        "PATH": f"{scratch / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "FRONTDOOR_PORT": str(_free_port()),
    }
    log = scratch / "dev.log"
    with log.open("w") as out:
        dev = subprocess.Popen(
            [sys.executable, str(scratch / "dev.py"), "run"],
            cwd=scratch,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own group, as a terminal gives a command: the test's group is not signalled.
            process_group=0,
        )
    pids: list[int] = []
    try:
        expected = {"db_worker", "run-schedule", "runserver"}
        deadline = time.monotonic() + 20
        while {p.name for p in (scratch / "pids").iterdir() if p.read_text()} != expected:
            if dev.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dev.py did not start its children: {log.read_text()}")
            time.sleep(0.05)
        time.sleep(0.7)  # dev.py is now waiting in its loop, as after "Front Door is running"
        pids = [int(pid) for p in (scratch / "pids").iterdir() for pid in p.read_text().split()]
        assert all(_alive(pid) for pid in pids)

        dev.send_signal(signum)  # `kill <pid>` of dev.py alone, not of its group
        dev.wait(timeout=15)
        deadline = time.monotonic() + 5
        while (left := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
            time.sleep(0.05)
        output = log.read_text()
        assert left == [], textwrap.shorten(output, 500)
        assert "Front Door is running" in output
        assert f"stopping ({signal.Signals(signum).name})" in output
    finally:
        # Whatever failed, nothing this test started is left running.
        for pid in [dev.pid, *pids]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        dev.wait()
