import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from frontdoor.accounts import lockout, two_factor
from frontdoor.accounts.access import SignedInRequest, allowed, for_anyone_signed_in
from frontdoor.accounts.forms import CodeForm, EnrolmentLinkForm, IssueTokenForm, SignInForm
from frontdoor.accounts.models import EnrolmentLink
from frontdoor.accounts.permissions import actions_for
from frontdoor.accounts.roles import is_partner
from frontdoor.accounts.selectors import api_tokens, enrolment_links_waiting
from frontdoor.accounts.tokens import issue_token, revoke_token
from frontdoor.errors import DomainError
from frontdoor.policy.councils import home_of
from frontdoor.policy.registry import current_policy

# The page where each action is done, once that page exists.
ACTION_PAGES = {
    "guidance.view": "policy:guidance",
    "users.manage": "admin:index",
    "tokens.manage": "accounts:tokens",
    "outbox.manage": "outbox:undelivered",
    "handoffs.manage": "handoffs:troubled",
    "early_help.receive": "handoffs:early_help",
    "two_factor.issue_link": "accounts:enrolment_links",
    "contact.record": "intake:new",
    "inbox.view": "intake:inbox",
    "missing_episode.record": "intake:missing_new",
    "contact.screen": "screening:mine",
    "contact.decide": "screening:queue",
    "enquiry.send": "mash:enquiries",
    "enquiry.answer": "mash:requests",
    "enquiry.oversee": "mash:request_times",
    "rag.confirm": "mash:enquiries",
    "exploitation.brief": "mash:briefing",
    "returns.view": "dashboards",
    "escalation.read_any": "escalations:list",
    "escalation.oversee": "escalations:log",
    "escalation.open": "escalations:raised",
    "records.search": "search:search",
    "audit.view": "privacy:disclosures",
    "privacy.restrict": "privacy:restrictions",
    "privacy.subject_access": "privacy:subject_access_find",
}


# The other pages where an action's work is done, each with the words of its link.
MORE_PAGES = {
    "contact.record": (("intake:consultations", "Consultations"),),
    "contact.screen": (("screening:team", "Your team's work"),),
    "enquiry.answer": (("mash:request_times", "Your agency's answering times"),),
    "escalation.open": (("escalations:meetings", "Escalate a meeting's outcome"),),
    "escalation.oversee": (("escalations:report", "Escalations by step"),),
    "returns.view": (("returns:returns", "Statutory returns"),),
    "audit.view": (("privacy:access", "Access log"),),
}


# How an action with no page of its own is done: words, and the page they link to, if any.
API_DOCS = "api:openapi-view"
HOW_DONE = {
    "contact.report": ("Through the API: see the API documentation", API_DOCS),
    "records.correct": (
        "On the contact's page, by each child and adult, or on the person's record",
        None,
    ),
    "consent.authorise_without": ("On the contact's page, where consent is recorded", None),
    "referral.return": ("On the contact's page, while it is screened", None),
    "meeting.chair": ("On the contact's page: schedule a meeting from it", None),
    "escalation.receive": ("Front Door e-mails you as each is opened and at each new step", None),
    "involvements.import": (
        "Through the API (see the API documentation), or from a file with a command an "
        "operator runs: python -m frontdoor import-involvements",
        API_DOCS,
    ),
    "handoffs.receive": (
        "By the case record's system: Front Door sends each hand-off to its webhook, and the "
        "record accepts it through the API (see the API documentation)",
        API_DOCS,
    ),
    "privacy.erase": (
        "With commands an operator runs: python -m frontdoor retention-report --keep, then "
        "python -m frontdoor retention-erase",
        None,
    ),
}


def _how_done(action_key: str) -> dict[str, str] | None:
    if action_key not in HOW_DONE:
        return None
    text, page = HOW_DONE[action_key]
    return {"text": text, "url": reverse(page) if page else ""}


def _more_pages(action_key: str) -> list[dict[str, str]]:
    return [{"url": reverse(name), "text": text} for name, text in MORE_PAGES.get(action_key, ())]


def _page_for(action_key: str) -> str | None:
    name = ACTION_PAGES.get(action_key)
    if name is None:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@for_anyone_signed_in
def home(request: SignedInRequest) -> HttpResponse:
    """What the signed-in user's role can do. A council's staff signed in at another council's
    address are sent to their own council's pages, where their work is; a partner agency's
    people work at any council's address that asks them (`mash.views`)."""
    if not is_partner(request.user) and (
        elsewhere := home_of(request, request.user.council_id or "")
    ):
        return redirect(elsewhere)
    actions = [
        {
            "description": a.description,
            "url": _page_for(a.key),
            "more": _more_pages(a.key),
            "how": _how_done(a.key),
        }
        for a in actions_for(request.user)
    ]
    # Their own council's agency, wherever a partner agency's user signs in.
    agency = request.user.agency
    return render(request, "accounts/home.html", {"actions": actions, "agency": agency})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_form(self, form_class: type[AuthenticationForm] | None = None) -> AuthenticationForm:
        form = super().get_form(form_class)
        # A wrong username or password concerns the whole form: link the summary to its first field.
        form.non_field_errors_anchor = "id_username"  # type: ignore[attr-defined]  # a mark the error summary reads
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
    )


@for_anyone_signed_in
@never_cache
def two_factor_set_up(request: SignedInRequest) -> HttpResponse:
    """Set up an authenticator app; in the required mode, only through a set-up link."""
    if done := _already_set_up(request):
        return done
    if two_factor.link_needed():
        return render(
            request,
            "accounts/two_factor_link_needed.html",
            {"support_contact": settings.FRONTDOOR_SUPPORT_CONTACT},
        )
    return _set_up(request, link=None)


@for_anyone_signed_in  # the link itself names the one user it is for
@never_cache
def two_factor_enrol(request: SignedInRequest, secret: str) -> HttpResponse:
    """Set up an authenticator app through the one-time link an administrator gave."""
    if done := _already_set_up(request):
        return done
    try:
        link = two_factor.enrolment_link_for(user=request.user, secret=secret)
    except DomainError as error:
        return render(
            request,
            "accounts/two_factor_link_needed.html",
            {"problem": error.message, "support_contact": settings.FRONTDOOR_SUPPORT_CONTACT},
            status=404,
        )
    return _set_up(request, link=link)


def _already_set_up(request: HttpRequest) -> HttpResponse | None:
    """Where to go instead for someone whose app is set up already."""
    if two_factor.is_verified(request.user):
        return redirect(two_factor.next_page(request))
    if user_has_device(request.user, confirmed=True):
        return redirect(two_factor.page_for(request, then=two_factor.next_page(request)))
    return None


def _set_up(request: SignedInRequest, *, link: EnrolmentLink | None) -> HttpResponse:
    """The app's secret (as a QR code and as text), then its first code."""
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            two_factor.confirm_set_up(
                request=request, device=device, code=form.cleaned_data["code"], link=link
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


# API tokens, for administrators.


@never_cache  # the page that shows a new token must not be kept by the browser
@require_http_methods(["GET", "POST"])
@allowed("tokens.manage")
def tokens(request: SignedInRequest) -> HttpResponse:
    """Partner systems' API tokens, and issuing one: the token is shown this once."""
    form = IssueTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            api_token, token = issue_token(by=request.user, **form.cleaned_data)
            issued = {
                "api_token": api_token,
                "token": token,
                "record_system": _record_system_name(api_token.record_system),
            }
            form = IssueTokenForm()
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    include_ended = request.GET.get("all") == "1"
    now = timezone.now()
    listed = [
        (token, token.state(now), _record_system_name(token.record_system))
        for token in api_tokens(include_ended=include_ended, at=now)
    ]
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "issued": issued, "tokens": listed, "include_ended": include_ended},
    )


def _record_system_name(key: str) -> str:
    """The name the policy gives the record system a token receives for: its key if the policy
    no longer has it, and empty for none."""
    system = current_policy().handoffs.record_system(key) if key else None
    return system.name if system else key


@require_http_methods(["GET", "POST"])
@allowed("tokens.manage")
def token_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    """Revoke a token, after a page asking to confirm: it stops working from its next request."""
    api_token = get_object_or_404(api_tokens(include_ended=True, at=timezone.now()), pk=pk)
    if request.method == "POST":
        revoke_token(api_token=api_token, by=request.user)
        messages.success(request, f"{api_token} is revoked: its next request will be refused.")
        return redirect("accounts:tokens")
    return render(
        request,
        "accounts/token_revoke.html",
        {"api_token": api_token, "state": api_token.state(timezone.now())},
    )


# Set-up links for authenticator apps, for administrators.


@never_cache  # the page that shows a new link must not be kept by the browser
@require_http_methods(["GET", "POST"])
@allowed("two_factor.issue_link")
def enrolment_links(request: SignedInRequest) -> HttpResponse:
    """Give a member of staff a one-time link to set up their authenticator app: shown once."""
    form = EnrolmentLinkForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            link, secret = two_factor.issue_enrolment_link(
                user=form.cleaned_data["user"], by=request.user
            )
            url = request.build_absolute_uri(reverse("accounts:two_factor_enrol", args=[secret]))
            issued = {"link": link, "url": url}
            form = EnrolmentLinkForm()
        except DomainError as error:
            form.add_error("user", error.message)
    return render(
        request,
        "accounts/enrolment_links.html",
        {
            "form": form,
            "issued": issued,
            "waiting": enrolment_links_waiting(at=timezone.now()),
            "two_factor_required": two_factor.link_needed(),
            "link_hours": two_factor.ENROLMENT_LINK_LIFETIME // dt.timedelta(hours=1),
        },
    )
