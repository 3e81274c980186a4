#!/usr/bin/env python3
"""Set up, run and test Front Door on this machine. Needs only Python 3.11+ and Node.js with npm.

    python3 dev.py run     set up, migrate, load the demo council, start the web server and the
                           background worker, and print the address and the demo sign-ins
    python3 dev.py test    set up and run the whole test suite (arguments go to pytest)
    python3 dev.py setup   set up only: .venv with the pinned packages, the front-end assets
    python3 dev.py lock    re-pin requirements.txt from requirements.in

Set-up is repeated only when requirements.txt, pyproject.toml, package-lock.json or the
stylesheet change, so the second run starts at once.
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


def run(*command: str | Path, **kwargs) -> None:
    result = subprocess.run([str(part) for part in command], cwd=REPO, check=False, **kwargs)
    if result.returncode != 0:
        fail(f"failed ({result.returncode}): {' '.join(str(part) for part in command)}")


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


def serve() -> None:
    setup()
    host = os.environ.get("FRONTDOOR_HOST", "127.0.0.1")
    port = int(os.environ.get("FRONTDOOR_PORT", "8000"))
    if not port_free(host, port):
        fail(f"port {port} is in use: stop what uses it, or set FRONTDOOR_PORT to another port.")
    say("migrating the database")
    frontdoor("migrate", "--no-input", "-v", "0")
    say("loading the demo council")
    frontdoor("load-demo")
    say("starting the background worker and the web server")
    worker = subprocess.Popen([PYTHON, "-m", "frontdoor", "db_worker"], cwd=REPO)
    # The regular jobs: chasing MASH enquiries, retrying e-mail, tidying uploads.
    schedule = subprocess.Popen(
        [PYTHON, "-m", "frontdoor", "run-schedule"], cwd=REPO, stdout=subprocess.DEVNULL
    )
    server = subprocess.Popen(
        [PYTHON, "-m", "frontdoor", "runserver", "--noreload", f"{host}:{port}"], cwd=REPO
    )
    url = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
    for _ in range(100):
        if not port_free(host, port) or server.poll() is not None:
            break
        time.sleep(0.1)
    if server.poll() is not None:
        worker.terminate()
        schedule.terminate()
        fail("the web server did not start: see the messages above.")
    print(
        f"\nFront Door is running at {url}\n"
        f"Sign in at {url}accounts/login/ with one of the demo sign-ins above.\n"
        "Press Ctrl+C to stop.\n",
        flush=True,
    )
    try:
        while server.poll() is None and worker.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in (server, worker, schedule):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in (server, worker, schedule):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def test(args: list[str]) -> None:
    setup()
    setup_cin_validator()
    env = dict(os.environ)
    env.setdefault("FRONTDOOR_ENV", "test")
    # pytest's own exit code is kept: 5 ("no tests ran") is a failure, not a pass.
    result = subprocess.run([PYTHON, "-m", "pytest", *args], cwd=REPO, env=env, check=False)
    sys.exit(result.returncode)


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
    if command == "run":
        serve()
    elif command == "test":
        test(rest)
    elif command == "setup":
        setup()
    elif command == "lock":
        lock()
    else:
        print(__doc__)
        sys.exit(0 if command in {"help", "-h", "--help"} else 2)


if __name__ == "__main__":
    main()
