"""The layers contract in pyproject.toml holds: an import the wrong way fails the tests (and CI).

`lint-imports` (import-linter) reads every module of `src/frontdoor` and checks the contract
`[tool.importlinter]`: each layer imports only from those below it, and every module is placed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(no_cache=True, no_logo=True))"
)


def lint_imports(*, project: Path, source: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on `source` (a folder holding `frontdoor`) with `project`'s contract."""
    path = os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", LINT],
        cwd=project,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_layers_contract_is_kept():
    result = lint_imports(project=REPO, source=REPO / "src")
    assert result.returncode == 0, (
        "The layers contract in pyproject.toml is broken (import-linter missing? run "
        f"`python3 dev.py setup`):\n{result.stdout}{result.stderr}"
    )
    assert "1 kept, 0 broken" in result.stdout


def _python_files_only(folder: str, names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if name == "__pycache__" or (not name.endswith(".py") and not Path(folder, name).is_dir())
    ]


def test_an_import_the_wrong_way_breaks_the_contract(tmp_path):
    # The same code with one import the wrong way: people (below intake) importing intake.
    shutil.copytree(REPO / "src/frontdoor", tmp_path / "src/frontdoor", ignore=_python_files_only)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    models = tmp_path / "src/frontdoor/people/models.py"
    models.write_text(models.read_text() + "\nfrom frontdoor.intake.models import Contact\n")

    result = lint_imports(project=tmp_path, source=tmp_path / "src")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "frontdoor.people is not allowed to import frontdoor.intake" in result.stdout
    assert "frontdoor.people.models -> frontdoor.intake.models" in result.stdout


def test_a_module_given_no_layer_breaks_the_contract(tmp_path):
    shutil.copytree(REPO / "src/frontdoor", tmp_path / "src/frontdoor", ignore=_python_files_only)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "src/frontdoor/unplaced.py").write_text('"""A module no layer names."""\n')

    result = lint_imports(project=tmp_path, source=tmp_path / "src")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "frontdoor.unplaced" in result.stdout


def test_the_contract_lists_no_import_as_an_exception():
    # An import the wrong way is moved to a layer that may make it, never excused.
    with (REPO / "pyproject.toml").open("rb") as project:
        contracts = tomllib.load(project)["tool"]["importlinter"]["contracts"]
    assert [contract.get("ignore_imports", []) for contract in contracts] == [[]]
