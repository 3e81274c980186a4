from django.http import HttpRequest

from frontdoor.accounts.permissions import actions_for


def permissions(request: HttpRequest) -> dict:
    """The keys of what the signed-in user may do, for navigation (`"inbox.view" in may`)."""
    return {"may": {action.key for action in actions_for(request.user)}}
