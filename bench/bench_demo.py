"""How long `load-demo` takes on a fresh SQLite database, and where its queries come from.

Run from the repository root:
    .venv/bin/python bench/bench_demo.py                          # the default demo
    .venv/bin/python bench/bench_demo.py --weeks 1 --history-weeks 8 --queries

It migrates a fresh SQLite database in a temporary directory (or the file given with
`--database`, which must not exist yet), then loads the demo council in this process as
`python -m frontdoor load-demo` does, and prints the wall time, the CPU time, the peak resident
memory of the load and the queries it ran. `--queries` also lists the Front Door functions whose
own lines ran the most queries. Figures depend on the machine and on what else runs: the load
average is printed before and after, so compare runs made under the same load.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=None)
    parser.add_argument("--history-weeks", type=int, default=None)
    parser.add_argument("--database", type=Path, default=None)
    parser.add_argument("--queries", action="store_true", help="list where the queries come from")
    options = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="bench-demo-")
    database = options.database or Path(directory) / "demo.sqlite3"
    if database.exists():
        sys.exit(f"{database} exists: give a new file.")
    os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    os.environ.setdefault("FRONTDOOR_ENV", "embedded")
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from frontdoor.demo.contacts import DEFAULT_WEEKS
    from frontdoor.demo.loader import load_demo

    call_command("migrate", verbosity=0)
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    by_function: collections.Counter[str] = collections.Counter()
    count = 0

    def counted(execute, sql, params, many, context):
        nonlocal count
        count += 1
        if options.queries:
            frame = sys._getframe(1)
            while frame is not None:
                path = frame.f_code.co_filename
                if "/frontdoor/" in path and "/site-packages/" not in path:
                    where = path.split("/frontdoor/", 1)[1]
                    by_function[f"{where}:{frame.f_code.co_name}"] += 1
                    break
                frame = frame.f_back
        return execute(sql, params, many, context)

    weeks = DEFAULT_WEEKS if options.weeks is None else options.weeks
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu, wall = time.process_time(), time.perf_counter()
    with connection.execute_wrapper(counted):
        load_demo(weeks=weeks, history_weeks=options.history_weeks)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s, queries {count}")
    print(f"peak resident memory {peak / 1024:.0f} MB ({memory_before / 1024:.0f} MB before)")
    if options.queries:
        print("queries run from each function's own lines, the most first:")
        for where, queries in by_function.most_common(40):
            print(f"  {queries:>7}  {where}")


if __name__ == "__main__":
    main()
