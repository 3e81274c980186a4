#!/usr/bin/env python3
"""Set up, run and test Front Door on this machine. Needs only Python 3.11+ and Node.js with npm.

    python3 dev.py run     set up, migrate, load the demo council, start the web server and the
                           background worker, and print the address and the demo sign-ins
    python3 dev.py run --two-councils
                           the same, with the demo as two councils on one service, Sefton and
                           Lewisham (Lewisham's pages under /lewisham/), and a family moving
                           between them
    python3 dev.py test    set up and run the whole test suite (arguments go to pytest)
    python3 dev.py setup   set up only: .venv with the pinned packages, the front-end assets
    python3 dev.py lock    re-pin requirements.txt from requirements.in

Set-up is repeated only when requirements.txt, pyproject.toml, package-lock.json or the
stylesheet change, so the second run starts at once.

Ctrl+C, or `kill <pid>` of dev.py (SIGTERM or SIGINT), stops it and everything it started: the
signal is passed to each child's process group and dev.py waits for them to end.
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
import tempfile
import time
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent
VENV = REPO / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
VAR = REPO / "var"
STYLESHEETS = REPO / "src/frontdoor/static/frontdoor/scss"
BUILT_CSS = VAR / "assets"
# The DfE's CIN census rules validator pins pandas below 2, which Front Door's own packages do
# not allow, so it lives in a virtual environment of its own, used by the census tests only.
CIN_VENV = REPO / ".venv-cin"
CIN_PYTHON = (
    CIN_VENV
    / ("Scripts" if os.name == "nt" else "bin")
    / ("python.exe" if os.name == "nt" else "python")
)
CIN_VALIDATOR = (
    "csc-validator-be-cin==0.1.13",
    # Its wheel of pandas 1.5 is built against numpy 1, and its command line imports pytest
    # without declaring it.
    "numpy==1.26.4",
    "pytest==9.2.0",
)


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[dev] {message}", file=sys.stderr, flush=True)
    sys.exit(1)


class Stopped(Exception):
    """dev.py was asked to stop (SIGTERM, or SIGINT from Ctrl+C or `kill -INT`)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# Every process dev.py starts, each the leader of a process group of its own, so that a stop
# reaches whatever it starts in turn, and a Ctrl+C reaches each once (from dev.py), not twice.
CHILDREN: list[subprocess.Popen] = []
OWN_GROUPS = os.name != "nt"


def _stop_signalled(signum: int, _frame) -> None:
    raise Stopped(signum)


def stop_on_signals() -> None:
    """Turn SIGTERM and SIGINT into `Stopped`, so the children are stopped before dev.py ends
    (by default SIGTERM ends Python at once and leaves them running)."""
    signal.signal(signal.SIGTERM, _stop_signalled)
    signal.signal(signal.SIGINT, _stop_signalled)


def start(command: list[str | Path], **kwargs) -> subprocess.Popen:
    """Start a child process in the repository, in a process group of its own."""
    if OWN_GROUPS:
        kwargs["process_group"] = 0
    process = subprocess.Popen([str(part) for part in command], cwd=REPO, **kwargs)
    CHILDREN.append(process)
    return process


def _signal_child(process: subprocess.Popen, signum: int) -> None:
    try:
        if OWN_GROUPS:
            os.killpg(process.pid, signum)  # the child and anything it started
        else:
            process.send_signal(signum)
    except (ProcessLookupError, PermissionError):
        pass  # already gone


def stop_children(signum: int = signal.SIGINT, *, timeout: float = 10) -> None:
    """Pass the stop to every child still running and wait for each; one that has not ended
    after `timeout` seconds is killed. SIGINT is what a child gets from Ctrl+C in a terminal:
    Django's server and worker end cleanly on it."""
    for process in CHILDREN:
        if process.poll() is None:
            _signal_child(process, signum)
    deadline = time.monotonic() + timeout
    for process in CHILDREN:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_child(process, signal.SIGKILL if OWN_GROUPS else signal.SIGTERM)
            process.wait()


def run(*command: str | Path, **kwargs) -> None:
    returncode = start(list(command), **kwargs).wait()
    if returncode != 0:
        fail(f"failed ({returncode}): {' '.join(str(part) for part in command)}")


def digest(*paths: Path) -> str:
    hasher = hashlib.sha256()
    for path in paths:
        hasher.update(path.read_bytes() if path.exists() else b"-")
    return hasher.hexdigest()


def up_to_date(stamp: Path, value: str) -> bool:
    return stamp.exists() and stamp.read_text() == value


def setup_python() -> None:
    if sys.version_info < (3, 11):
        fail(f"Front Door needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    stamp = VENV / ".frontdoor-installed"
    wanted = digest(REPO / "requirements.txt", REPO / "pyproject.toml")
    if PYTHON.exists() and up_to_date(stamp, wanted):
        return
    if not PYTHON.exists():
        say(f"making the virtual environment {VENV.relative_to(REPO)}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    say("installing the pinned Python packages (requirements.txt)")
    quiet = ["--quiet", "--disable-pip-version-check", "--no-input"]
    run(PYTHON, "-m", "pip", "install", *quiet, "-r", "requirements.txt")
    run(PYTHON, "-m", "pip", "install", *quiet, "--no-deps", "-e", ".")
    stamp.write_text(wanted)


def setup_assets() -> None:
    npm = shutil.which("npm")
    if npm is None:
        fail("npm is needed for the GOV.UK Frontend assets: install Node.js (with npm) first.")
    stamp = REPO / "node_modules/.frontdoor-installed"
    wanted = digest(REPO / "package-lock.json")
    if not up_to_date(stamp, wanted):
        say("installing GOV.UK Frontend and MoJ Frontend from npm (package-lock.json)")
        run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
        stamp.write_text(wanted)
    sources = sorted(STYLESHEETS.glob("*.scss"))
    css_stamp = BUILT_CSS / ".built-from"
    wanted = digest(*sources, REPO / "package-lock.json")
    if up_to_date(css_stamp, wanted):
        return
    say("building the stylesheets")
    BUILT_CSS.mkdir(parents=True, exist_ok=True)
    sass = REPO / "node_modules/.bin" / ("sass.cmd" if os.name == "nt" else "sass")
    for source in sources:
        run(
            sass,
            "--load-path=.",
            "--quiet",
            "--style=compressed",
            "--no-source-map",
            source,
            BUILT_CSS / f"{source.stem}.css",
        )
    css_stamp.write_text(wanted)


@contextlib.contextmanager
def setting_up():
    """One set-up at a time: two commands started together (CI runs the SQLite and PostgreSQL
    suites side by side) would otherwise both install into the same .venv. The second waits,
    then finds everything up to date."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here, and nobody runs two at once
        yield
        return
    VAR.mkdir(exist_ok=True)
    with open(VAR / ".setup.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def setup() -> None:
    with setting_up():
        setup_python()
        setup_assets()


def setup_cin_validator() -> None:
    """The DfE's CIN census validator in .venv-cin, once: the census tests run it."""
    with setting_up():
        _setup_cin_validator()


def _setup_cin_validator() -> None:
    stamp = CIN_VENV / ".frontdoor-installed"
    wanted = "\n".join(CIN_VALIDATOR)
    if CIN_PYTHON.exists() and up_to_date(stamp, wanted):
        return
    say(f"installing the DfE's CIN census validator in {CIN_VENV.relative_to(REPO)}")
    if not CIN_PYTHON.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(CIN_VENV)
    quiet = ["--quiet", "--disable-pip-version-check", "--no-input"]
    run(CIN_PYTHON, "-m", "pip", "install", *quiet, *CIN_VALIDATOR)
    stamp.write_text(wanted)


def frontdoor(*args: str, **kwargs) -> None:
    run(PYTHON, "-m", "frontdoor", *args, **kwargs)


def port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) != 0


# The demo as two councils on one service: `python3 dev.py run --two-councils`.
TWO_COUNCILS = "sefton,lewisham"


def serve(args: list[str]) -> None:
    unknown = [arg for arg in args if arg != "--two-councils"]
    if unknown:
        fail(f"dev.py run takes only --two-councils, not {' '.join(unknown)}")
    setup()
    host = os.environ.get("FRONTDOOR_HOST", "127.0.0.1")
    port = int(os.environ.get("FRONTDOOR_PORT", "8000"))
    if not port_free(host, port):
        fail(f"port {port} is in use: stop what uses it, or set FRONTDOOR_PORT to another port.")
    say("migrating the database")
    frontdoor("migrate", "--no-input", "-v", "0")
    if "--two-councils" in args:
        say(f"loading the demo as two councils ({TWO_COUNCILS})")
        frontdoor("load-demo", "--councils", TWO_COUNCILS)
    else:
        say("loading the demo council")
        frontdoor("load-demo")
    say("starting the background worker and the web server")
    worker = start([PYTHON, "-m", "frontdoor", "db_worker"])
    # The regular jobs: chasing MASH enquiries, retrying e-mail, tidying uploads.
    start([PYTHON, "-m", "frontdoor", "run-schedule"], stdout=subprocess.DEVNULL)
    server = start([PYTHON, "-m", "frontdoor", "runserver", "--noreload", f"{host}:{port}"])
    url = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
    for _ in range(100):
        if not port_free(host, port) or server.poll() is not None:
            break
        time.sleep(0.1)
    if server.poll() is not None:
        fail("the web server did not start: see the messages above.")
    print(
        f"\nFront Door is running at {url}\n"
        f"Sign in at {url}accounts/login/ with one of the demo sign-ins above.\n"
        "Press Ctrl+C to stop.\n",
        flush=True,
    )
    # Until one of them ends, or dev.py is stopped (main stops the others either way).
    while server.poll() is None and worker.poll() is None:
        time.sleep(0.5)


def test(args: list[str]) -> None:
    setup()
    setup_cin_validator()
    env = dict(os.environ)
    env.setdefault("FRONTDOOR_ENV", "test")
    # pytest's own exit code is kept: 5 ("no tests ran") is a failure, not a pass.
    sys.exit(start([PYTHON, "-m", "pytest", *args], env=env).wait())


def lock() -> None:
    """Resolve requirements.in afresh in a scratch environment and pin the result."""
    with tempfile.TemporaryDirectory() as scratch:
        venv.EnvBuilder(with_pip=True).create(scratch)
        python = Path(scratch) / ("Scripts" if os.name == "nt" else "bin") / "python"
        run(python, "-m", "pip", "install", "--quiet", "-r", "requirements.in")
        frozen = subprocess.run(
            [python, "-m", "pip", "freeze", "--exclude-editable"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    header = "# Pinned by `python3 dev.py lock` from requirements.in: do not edit by hand.\n"
    (REPO / "requirements.txt").write_text(header + frozen)
    say("requirements.txt re-pinned")


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    commands = {
        "run": lambda: serve(rest),
        "test": lambda: test(rest),
        "setup": setup,
        "lock": lock,
    }
    if command not in commands:
        print(__doc__)
        sys.exit(0 if command in {"help", "-h", "--help"} else 2)
    stop_on_signals()
    stopped_by = signal.SIGINT
    try:
        commands[command]()
    except Stopped as stop:
        stopped_by = stop.signum
        say(f"stopping ({stop})")
    finally:
        # Whatever ended dev.py (a signal, a failure, the server ending), no child outlives it.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop_children(stopped_by)


if __name__ == "__main__":
    main()
