"""Every audit action the code writes has words for the pages that show the trail."""

from __future__ import annotations

import ast
from pathlib import Path

import frontdoor
from frontdoor.audit.labels import ACTION_LABELS, action_label
from frontdoor.audit.models import AuditEvent

SOURCE = Path(frontdoor.__file__).resolve().parent


def _strings(node: ast.AST) -> set[str]:
    return {
        inner.value
        for inner in ast.walk(node)
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str)
    }


def _assigned(tree: ast.Module, name: str) -> set[str]:
    """The strings a name is given anywhere in its module (`action = "a.b" if x else "a.c"`)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            found |= _strings(node.value)
    return found


def actions_written() -> set[str]:
    """Each dotted action key passed as `action=` to a call anywhere in the code."""
    actions: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                values = _strings(keyword.value)
                for name in ast.walk(keyword.value):
                    if isinstance(name, ast.Name):
                        values |= _assigned(tree, name.id)
                actions |= {value for value in values if "." in value and " " not in value}
    return actions


def test_the_code_is_read_for_its_actions():
    written = actions_written()
    # A literal, a module constant and a choice between two literals are each found.
    assert {"contact.state_changed", "export.downloaded", "escalation.resolved"} <= written
    assert "restriction.set" in written


def test_every_action_the_code_writes_has_a_label():
    missing = sorted(actions_written() - set(ACTION_LABELS))
    assert not missing, f"audit actions with no label in audit/labels.py: {missing}"


def test_no_label_is_left_for_an_action_no_longer_written():
    assert sorted(set(ACTION_LABELS) - actions_written()) == []


def test_an_entry_reads_in_words():
    assert AuditEvent(action="police.told").label == "Police told"
    assert action_label("contact.state_changed") == "Stage changed"
