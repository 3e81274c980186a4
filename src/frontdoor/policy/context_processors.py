from django.http import HttpRequest

from frontdoor.policy.registry import current_policy


def council(request: HttpRequest) -> dict:
    """The council's name and numbers, for the page header and footer."""
    policy = current_policy()
    return {"council": policy.council, "council_numbers": policy.contact_numbers}
