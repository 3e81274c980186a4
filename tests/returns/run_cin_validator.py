"""Run the DfE's CIN census rules (`csc-validator-be-cin`) on a file, as its `run` command does,
and print each rule broken with its type, then `errors: N` and `queries: N`.

Runs in `.venv-cin` (python3 dev.py test installs it), not in Front Door's environment:

    .venv-cin/bin/python tests/returns/run_cin_validator.py FILE.xml --year 2027

The validator's own `python -m cin_validator run FILE -r cin2026_27` prints the same issues as
one table without saying which are errors and which are queries; this says so, so a test can
insist on no errors while the DfE's queries (UPNs Front Door does not hold) stay visible.
"""

import argparse
import importlib
import pkgutil
import xml.etree.ElementTree as ET

from cin_validator import cin_validator, rules


def ruleset_for(year: int) -> str:
    wanted = f"cin{year - 1}_{year % 100:02d}"
    known = sorted(module.name for module in pkgutil.iter_modules(rules.__path__))
    known = [name for name in known if name.startswith("cin")]
    # A year newer than the installed validator knows is checked with its newest rules.
    return wanted if wanted in known else known[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("filename")
    parser.add_argument("--year", type=int, required=True)
    args = parser.parse_args()
    ruleset = ruleset_for(args.year)
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    root = ET.parse(args.filename).getroot()  # noqa: S314 (our own file, as the CLI reads it)
    data = cin_validator.process_data(cin_validator.convert_data(root))
    validator = cin_validator.CinValidator(data, registry)
    counts = {"ERROR": 0, "QUERY": 0}
    broken = list(validator.rules_broken) + [
        str(issues["rule_code"].iloc[0]) if "rule_code" in issues else "LA"
        for issues in validator.la_rules_broken
    ]
    issue_counts = validator.full_issue_df["rule_code"].astype(str).value_counts().to_dict()
    print(f"ruleset: {ruleset}")
    for code in broken:
        rule = registry.get(str(code))
        kind = rule.rule_type.name if rule else "ERROR"
        counts[kind] = counts.get(kind, 0) + 1
        message = rule.message if rule else ""
        print(f"rule {code} {kind} ({issue_counts.get(str(code), 1)} found): {message}")
    print(f"errors: {counts['ERROR']}")
    print(f"queries: {counts['QUERY']}")


if __name__ == "__main__":
    main()
