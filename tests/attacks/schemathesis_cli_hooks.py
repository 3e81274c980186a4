"""The exclusions of `test_api_schema`, for the schemathesis CLI against a running server.

Generated valid reports follow the two rules JSON Schema cannot state (an NHS number's check
digit, dates judged against today) as in the in-process test, so every check can run:

    PYTHONPATH=src:. SCHEMATHESIS_HOOKS=tests.attacks.schemathesis_cli_hooks \
        .venv/bin/schemathesis run http://127.0.0.1:8000/api/v1/openapi.json \
        -H "Authorization: Bearer $TOKEN" --checks all

(`python -m frontdoor issue-token USERNAME --name cli` gives a token.)
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
django.setup()

import schemathesis  # noqa: E402

from tests.attacks.test_api_schema import _within_unstated_rules  # noqa: E402


@schemathesis.hook
def filter_case(context, case) -> bool:
    # Changes the valid case in place, as the in-process test's map does; drops it only when no
    # check digit fits its NHS number.
    if case.meta is not None and case.meta.generation.mode.is_positive:
        return _within_unstated_rules(case) is not None
    return True
