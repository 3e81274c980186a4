import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frontdoor.policy.loader import load_policy_file
from frontdoor.policy.registry import get_loaded_policy
from frontdoor.policy.schema import Policy
from frontdoor.screening.suggest import suggest


def _policy(value: str) -> Policy:
    path = Path(value)
    if path.suffix in {".yaml", ".yml"}:
        return load_policy_file(path).policy
    try:
        return get_loaded_policy(value).policy
    except LookupError as error:
        raise CommandError(str(error)) from None


class Command(BaseCommand):
    help = (
        "Suggest Level of Need indicators and MASH criteria from a referral's words, best first, "
        "with the phrases that support them (what the screening page shows)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--policy", required=True, help="a policy id such as sefton, or a file")
        parser.add_argument(
            "--text-file", required=True, help="the referral's words, as UTF-8 text ('-': stdin)"
        )
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")

    def handle(self, *args, policy: str, text_file: str, json: bool, **options) -> None:
        if text_file == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(text_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"cannot read {text_file}: {error}") from None
        found = suggest(_policy(policy), text)
        if json:
            self.stdout.write(_dumps(found.as_json()))
            return
        if not found.indicators and not found.mash_criteria:
            self.stdout.write("Nothing to suggest from these words.")
            return
        self.stdout.write("Suggested indicators, best first:")
        for number, item in enumerate(found.indicators, 1):
            self.stdout.write(
                f"{number:>3}. Level {item.level}, {item.subdomain}: {item.text} ({item.score:.2f})"
            )
            for phrase in item.evidence:
                self.stdout.write(
                    f"       “{phrase.text}” (characters {phrase.start}-{phrase.end})"
                )
        if found.mash_criteria:
            self.stdout.write("Suggested MASH criteria:")
            for criterion in found.mash_criteria:
                self.stdout.write(f"  - {criterion.label} ({criterion.score:.2f})")
                for phrase in criterion.evidence:
                    self.stdout.write(f"       “{phrase.text}”")
        self.stdout.write(
            f"Method {found.method_version}, policy version {found.policy_version}. "
            "Suggestions only: a worker decides."
        )


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
