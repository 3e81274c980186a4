"""`python -m frontdoor` (also installed as `frontdoor`): Django's management commands and ours.

Our commands are spelled with hyphens (`check-policy`, `load-demo`); Django's keep their own
names (`migrate`, `runserver`, `db_worker`). `check-policy` and `due` read policy files alone and
run before the rest of the system starts, so a broken file can still be checked. An invalid policy
file stops everything else here, with its message.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "frontdoor"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
    if len(argv) > 1:
        # Front Door's modules are imported only once DJANGO_SETTINGS_MODULE is set (above).
        from frontdoor.policy.cli import COMMANDS

        if argv[1] in COMMANDS:
            sys.exit(COMMANDS[argv[1]](argv[2:]))
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")

    from django.core.management import execute_from_command_line

    from frontdoor.policy.loader import PolicyError

    try:
        execute_from_command_line(argv)
    except PolicyError as error:
        sys.stderr.write(f"{error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
