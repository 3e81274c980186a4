from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django_otp import user_has_device

from frontdoor.accounts import lockout, two_factor
from frontdoor.accounts.access import for_anyone_signed_in
from frontdoor.accounts.forms import CodeForm
from frontdoor.accounts.permissions import actions_for
from frontdoor.errors import DomainError
from frontdoor.policy.registry import current_policy

# The page where each action is done, once that page exists.
ACTION_PAGES = {
    "guidance.view": "policy:guidance",
    "users.manage": "admin:index",
    "contact.record": "intake:new",
    "inbox.view": "intake:inbox",
    "missing_episode.record": "intake:missing_new",
    "contact.screen": "screening:mine",
    "contact.decide": "screening:queue",
    "enquiry.send": "mash:enquiries",
    "enquiry.answer": "mash:requests",
    "rag.confirm": "mash:enquiries",
    "exploitation.brief": "mash:briefing",
    "returns.view": "dashboards",
    "escalation.oversee": "escalations:list",
    "audit.view": "privacy:disclosures",
    "privacy.restrict": "privacy:restrictions",
    "privacy.subject_access": "privacy:subject_access_find",
}


def _page_for(action_key: str) -> str | None:
    name = ACTION_PAGES.get(action_key)
    if name is None:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@for_anyone_signed_in
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

    def form_valid(self, form):
        response = super().form_valid(form)
        # Others' guesses at this account no longer slow signing in from this browser.
        lockout.remember_browser(response, username=form.get_user().get_username())
        return response

    def get_success_url(self) -> str:
        # Straight on to the code (or to set an app up) rather than via a refused page.
        url = super().get_success_url()
        if two_factor.code_needed(self.request):
            return two_factor.page_for(self.request, then=url)
        return url


def _code_page(request: HttpRequest, template: str, form: CodeForm, **context) -> HttpResponse:
    form.non_field_errors_anchor = "id_code"
    return render(
        request,
        f"accounts/{template}",
        {
            "form": form,
            "next": two_factor.next_page(request),
            "support_contact": settings.FRONTDOOR_SUPPORT_CONTACT,
            **context,
        },
        status=400 if form.errors else 200,
    )


@for_anyone_signed_in
@never_cache
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: its secret (as a QR code and as text), then its first code."""
    if two_factor.is_verified(request.user):
        return redirect(two_factor.next_page(request))
    if user_has_device(request.user, confirmed=True):
        return redirect(two_factor.page_for(request, then=two_factor.next_page(request)))
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            two_factor.confirm_set_up(
                request=request, device=device, code=form.cleaned_data["code"]
            )
            return redirect(two_factor.next_page(request))
        except DomainError as error:
            form.add_error("code", error.message)
    return _code_page(
        request,
        "two_factor_set_up.html",
        form,
        secret=two_factor.secret_in_words(device),
        qr_code=two_factor.qr_code_svg(device),
    )


@for_anyone_signed_in
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Give the code from the app set up earlier."""
    if two_factor.is_verified(request.user):
        return redirect(two_factor.next_page(request))
    if not user_has_device(request.user, confirmed=True):
        then = urlencode({"next": two_factor.next_page(request)})
        return redirect(f"{reverse('accounts:two_factor_set_up')}?{then}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            two_factor.verify(request=request, code=form.cleaned_data["code"])
            return redirect(two_factor.next_page(request))
        except DomainError as error:
            form.add_error("code", error.message)
    return _code_page(request, "two_factor_verify.html", form)
