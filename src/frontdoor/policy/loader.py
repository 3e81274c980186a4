"""Reading council policy files: YAML, checked against `policy.schema.Policy`.

A file may `extends:` another policy by id; its own keys then replace the other's, mapping by
mapping (lists are replaced whole). The Sefton 2022 variant is the 2023 policy with the committee
report's timescales, so the Level of Need catalogue has one home.

Every problem is reported with the file, the field, the line where it can be found, and what was
expected, so that an administrator can fix a file without reading code.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from frontdoor.policy.schema import Policy

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.field or '(the whole file)'}: {self.message}"


class PolicyError(Exception):
    """A policy file that cannot be used, with every problem found in it."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = Path(path)
        self.problems = problems
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{self.path}: not a valid policy file"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy with where it came from and a digest of what it says."""

    policy: Policy
    path: Path
    sha256: str
    # The resolved content (after `extends`), as stored with each recorded version.
    content: dict[str, Any] = field(repr=False)

    @property
    def id(self) -> str:
        return self.policy.id

    @property
    def version(self) -> str:
        return self.policy.version


def _read_yaml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(path, [Problem("", "the file does not exist")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(path, [Problem("", f"the file cannot be read: {error}")]) from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise PolicyError(path, [Problem("", f"this is not valid YAML: {problem}", line)]) from None
    if not isinstance(data, dict):
        raise PolicyError(path, [Problem("", "the file must be a mapping of keys to values")])
    return data, text


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest key of `loc` present in the YAML `text` (parsed again, only
    when there is a problem to report)."""
    node = yaml.compose(text, Loader=_Loader)
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    node = value_node
                    line = key_node.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolve(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], list]:
    """The file's content with what it extends merged in, and the YAML texts (own first)."""
    data, text = _read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, [text]
    if not isinstance(parent, str):
        raise PolicyError(path, [Problem("extends", "give the id of another policy file")])
    parent_path = path.parent / f"{parent}.yaml"
    if parent_path in seen or parent_path == path:
        raise PolicyError(path, [Problem("extends", f"{parent} extends this file in turn")])
    if not parent_path.exists():
        raise PolicyError(
            path, [Problem("extends", f"no policy {parent} beside this file ({parent_path.name})")]
        )
    base, texts = _resolve(parent_path, (*seen, path))
    return _merge(base, data), [text, *texts]


def _describe(error: ErrorDetails) -> str:
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] in {"missing", "extra_forbidden"}:
        return "this key is required" if error["type"] == "missing" else "this key is not known"
    value = error.get("input")
    if isinstance(value, (str, int, float, bool)) or value is None:
        return f"{message} (got {value!r})"
    return message


def load_policy_file(path: Path | str) -> LoadedPolicy:
    """Read and validate one policy file, or raise `PolicyError` naming every problem."""
    path = Path(path)
    content, texts = _resolve(path)
    try:
        policy = Policy.model_validate(content)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = tuple(item["loc"])
            line = next((ln for t in texts if (ln := _line_of(t, loc)) is not None), None)
            problems.append(Problem(".".join(str(part) for part in loc), _describe(item), line))
        raise PolicyError(path, problems) from None
    if path.stem != policy.id:
        raise PolicyError(
            path, [Problem("id", f"the id must match the file name ({path.stem}), not {policy.id}")]
        )
    canonical = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return LoadedPolicy(policy=policy, path=path, sha256=digest, content=json.loads(canonical))


def policy_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def load_policy_dir(directory: Path) -> dict[str, LoadedPolicy]:
    """Every policy file in `directory`, by id; all problems in all files are reported together."""
    if not directory.is_dir():
        raise PolicyError(directory, [Problem("", "the policy folder does not exist")])
    loaded: dict[str, LoadedPolicy] = {}
    errors: list[PolicyError] = []
    for path in policy_files(directory):
        try:
            item = load_policy_file(path)
        except PolicyError as error:
            errors.append(error)
            continue
        loaded[item.id] = item
    if errors:
        raise PolicyErrors(errors)
    return loaded


class PolicyErrors(PolicyError):
    """Problems in more than one file."""

    def __init__(self, errors: list[PolicyError]):
        self.errors = errors
        super().__init__(errors[0].path, [p for error in errors for p in error.problems])

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)
