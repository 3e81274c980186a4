from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from frontdoor.accounts.permissions import actions_for
from frontdoor.policy.registry import current_policy

# The page where each action is done, once that page exists.
ACTION_PAGES = {
    "guidance.view": "policy:guidance",
    "users.manage": "admin:index",
    "contact.record": "intake:new",
    "inbox.view": "intake:inbox",
    "missing_episode.record": "intake:missing_new",
}


def _page_for(action_key: str) -> str | None:
    name = ACTION_PAGES.get(action_key)
    if name is None:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in user's role can do."""
    actions = [
        {"description": a.description, "rule": a.rule, "url": _page_for(a.key)}
        for a in actions_for(request.user)
    ]
    agency = None
    if request.user.agency_key:
        agency = next(
            (a for a in current_policy().agencies if a.key == request.user.agency_key), None
        )
    return render(request, "accounts/home.html", {"actions": actions, "agency": agency})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # A wrong username or password concerns the whole form: link the summary to its first field.
        form.non_field_errors_anchor = "id_username"
        return form
