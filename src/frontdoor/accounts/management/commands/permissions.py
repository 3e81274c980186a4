from collections.abc import Iterator

from django.core.management.base import BaseCommand

from frontdoor import exports
from frontdoor.accounts.management.columns import write_columns
from frontdoor.accounts.permissions import ACTIONS
from frontdoor.accounts.roles import Role

COLUMNS = ("role", "action", "description", "rule", "allowed")


def matrix_rows() -> Iterator[tuple[str, str, str, str, str]]:
    """One row per role and action, straight from ACTIONS, so the printout cannot drift from it."""
    for role in Role:
        for action in ACTIONS:
            allowed = "allowed" if role in action.roles else "refused"
            yield role.value, action.key, action.description, action.rule, allowed


class Command(BaseCommand):
    help = (
        "Print who may do what: one row per role and action, from accounts/permissions.py. "
        "Example: python -m frontdoor permissions --format csv > permissions.csv"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--format",
            choices=("table", "csv"),
            default="table",
            help="table (aligned, for reading) or csv (for a spreadsheet); default table",
        )

    def handle(self, *args, format: str, **options) -> None:
        rows = list(matrix_rows())
        if format == "csv":
            exports.write_csv(exports.Sheet("Permissions", COLUMNS, rows), self.stdout)
            return
        write_columns(self.stdout, COLUMNS, rows)
