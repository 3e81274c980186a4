from django.http import HttpRequest

from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import TimescaleKey


def council(request: HttpRequest) -> dict:
    """The council's name, numbers and timescales (`timescales.contact_progressed`: '1 working
    day'; absent when the policy sets none), for pages that speak of them."""
    policy = current_policy()
    timescales = {
        key.value: timescale.duration_in_words()
        for key in TimescaleKey
        if (timescale := policy.timescale(key)) is not None
    }
    return {
        "council": policy.council,
        "council_numbers": policy.contact_numbers,
        "timescales": timescales,
    }
