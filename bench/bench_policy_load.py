"""How long start-up takes to load and validate every policy file in policies/.

Cold: the first call in a fresh Python process, the import of frontdoor.policy.loader included
(measured in several fresh processes). Warm: the median of repeated loads in one process.
Target: under 200 ms for all the files.

Run from the repository root: .venv/bin/python bench/bench_policy_load.py
Needs no Django settings: it imports only frontdoor.policy.loader (and what it imports).
"""

import time

STARTED = time.perf_counter()  # before any other import, for the cold measurement

import sys  # noqa: E402 - imported after the clock starts on purpose
from pathlib import Path  # noqa: E402

POLICIES = Path(__file__).resolve().parents[1] / "policies"
TARGET_MS = 200.0
COLD_RUNS = 5
WARM_RUNS = 20


def cold_once() -> tuple[float, float]:
    """Milliseconds from process start-up to the loader imported, and to every policy loaded."""
    from frontdoor.policy.loader import load_policy_dir

    imported = time.perf_counter()
    load_policy_dir(POLICIES)
    return (imported - STARTED) * 1000, (time.perf_counter() - STARTED) * 1000


def warm() -> list[float]:
    """Milliseconds for each of WARM_RUNS loads, once the loader is imported and has run once."""
    from frontdoor.policy.loader import load_policy_dir

    load_policy_dir(POLICIES)
    timings = []
    for _ in range(WARM_RUNS):
        began = time.perf_counter()
        load_policy_dir(POLICIES)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def main() -> None:
    if sys.argv[1:] == ["--cold-once"]:
        print(*cold_once())
        return
    # Only the parent measures and reports: a cold run imports nothing the loader does not need.
    import statistics
    import subprocess

    runs = [
        subprocess.run(  # noqa: S603 - this same script, with this interpreter
            [sys.executable, __file__, "--cold-once"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        for _ in range(COLD_RUNS)
    ]
    imports = [float(run[0]) for run in runs]
    cold = [float(run[1]) for run in runs]
    warm_ms = statistics.median(warm())
    files = len(sorted(POLICIES.glob("*.yaml")))
    print(f"{files} policy files in {POLICIES}")
    importing = statistics.median(imports)
    print(f"cold: of which importing the loader (pydantic, yaml, schema) {importing:.1f} ms")
    for label, value in [
        (f"cold (median of {COLD_RUNS} fresh processes)", statistics.median(cold)),
        (f"cold (slowest of {COLD_RUNS})", max(cold)),
        (f"warm (median of {WARM_RUNS} loads)", warm_ms),
    ]:
        verdict = "meets" if value < TARGET_MS else "MISSES"
        print(f"{label:38} {value:8.1f} ms  {verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
