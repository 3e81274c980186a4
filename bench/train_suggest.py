"""Rebuild the suggestion method's re-ranking model from the labelled referrals (R26).

Run from the repository root:

    .venv/bin/python bench/train_suggest.py            # writes policies/suggest/trained-sefton.json
    .venv/bin/python bench/train_suggest.py --cross-validate   # figures with each split left out

It trains on every split of tests/screening/suggest_devset/referrals.yaml (`dev`, `heldout`,
`fresh`, `fresh2`, `fresh3`, `fresh4` and `fresh5`) against the Sefton catalogue. `fresh3` and
`fresh4` were honest checks until the MASH criteria's reading was tuned on them too (method version
13), and `fresh5` likewise until version 14; from then on they train as well, and a split written
later, kept from tuning, is the honest check. With
--cross-validate it trains once per split without it and prints that split's figures (as
bench/bench_suggest.py measures them), lexical order against re-ranked order: the figures to quote
for any split. Deterministic: rebuilding gives the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")

DEVSET = ROOT / "tests" / "screening" / "suggest_devset" / "referrals.yaml"
TRAINED_ON = ["dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5"]
OUTPUT = ROOT / "policies" / "suggest" / "trained-sefton.json"


def training_cases() -> list[dict]:
    import yaml

    cases = yaml.safe_load(DEVSET.read_text())["cases"]
    return [case for case in cases if case["split"] in TRAINED_ON]


def cross_validate(policy, cases) -> None:
    """Each training split's figures from a model trained without it, against the lexical order."""
    from bench_suggest import evaluate

    import frontdoor.screening.suggest as method
    from frontdoor.screening.suggest.training import train

    for split in TRAINED_ON:
        model = train(policy, [case for case in cases if case["split"] != split])
        held = [case for case in cases if case["split"] == split]
        kept = method.trained_model
        try:
            method.trained_model = lambda policy: None
            before = evaluate(held, policy, method.suggest, show_misses=False)
            method.trained_model = lambda policy, model=model: model
            after = evaluate(held, policy, method.suggest, show_misses=False)
        finally:
            method.trained_model = kept
        print(
            f"{split} left out: "
            + ", ".join(
                f"{name} {before[name]:.2f} -> {after[name]:.2f}"
                for name in before
                if name != "cases"
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cross-validate", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from frontdoor.policy.loader import load_policy_file
    from frontdoor.screening.suggest.training import train

    policy = load_policy_file(ROOT / "policies" / "sefton.yaml").policy
    cases = training_cases()
    if args.cross_validate:
        cross_validate(policy, cases)
        return
    model = train(policy, cases)
    OUTPUT.write_text(json.dumps(model.as_json(), indent=None, sort_keys=True) + "\n")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: weights {[round(w, 3) for w in model.weights]}")


if __name__ == "__main__":
    main()
