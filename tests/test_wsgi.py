"""What a server process does as it starts (`frontdoor.wsgi`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_start_up_keeps_what_it_loaded_out_of_the_collectors_way():
    code = "import gc, frontdoor.wsgi; print(gc.get_freeze_count())"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    # The URLconf's views and the settings: tens of thousands of objects at least.
    assert int(result.stdout.split()[-1]) > 50_000
