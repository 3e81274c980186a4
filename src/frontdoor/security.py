"""Protections for the whole site that no single app owns: the client's address, the
Permissions-Policy header, the rate limits on the public pages that anyone can reach, and the
start-up check that production can tell HTTPS requests.

The Content Security Policy itself comes from django-csp (settings CONTENT_SECURITY_POLICY);
the limits on failed sign-ins (django-axes, and buckets of the rate limiter here), two-factor
sign-in and the idle timeout live in `frontdoor.accounts`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.management import call_command
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from frontdoor.error_pages import is_api_request


def client_ip(request: HttpRequest) -> str:
    """The address of the person's machine, for lockouts and rate limits.

    Behind FRONTDOOR_TRUSTED_PROXIES reverse proxies, each appends the address it heard from to
    X-Forwarded-For, so the client is that many entries from the right. Entries further left were
    written by the client itself and are never trusted (else anyone could pick their own address
    and escape every limit).
    """
    proxies = settings.FRONTDOOR_TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def axes_client_ip(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: the lockout counts by the same address as the rate limits."""
    return client_ip(request)


class PermissionsPolicyMiddleware:
    """Turn off browser features Front Door never uses (camera, microphone, location...), so a
    page that was somehow made to run someone else's script still cannot reach them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.FRONTDOOR_PERMISSIONS_OFF)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


# Rate limits: a token bucket per limit and key (a client address, an account), in the Django
# cache: by default a table in the database, shared by every process (settings CACHES).


@dataclass(frozen=True)
class Limit:
    """`requests` in any `seconds`, refilled smoothly (a burst of `requests`, then a steady
    rate), rather than a fixed window that lets twice the limit through across its edge."""

    requests: int
    seconds: int

    @property
    def refill_per_second(self) -> float:
        return self.requests / self.seconds


def create_cache_table(using: str = "default", **kwargs) -> None:
    """post_migrate: make the database cache's table when the cache is in the database
    (Django's `createcachetable`, which skips a table already there and other caches)."""
    call_command("createcachetable", database=using, verbosity=0)


def limit_named(name: str) -> Limit:
    requests, seconds = settings.FRONTDOOR_RATE_LIMITS[name]
    return Limit(requests=requests, seconds=seconds)


def _cache():
    return caches[settings.FRONTDOOR_RATE_LIMIT_CACHE]


def _tokens(name: str, key: str, now: float) -> tuple[Limit, str, float]:
    """The limit `name`, where its bucket for `key` is kept, and the tokens in it at `now`."""
    limit = limit_named(name)
    cache_key = f"ratelimit:{name}:{key}"
    tokens, updated = _cache().get(cache_key, (float(limit.requests), now))
    tokens = min(float(limit.requests), tokens + max(0.0, now - updated) * limit.refill_per_second)
    return limit, cache_key, tokens


def _wait(limit: Limit, tokens: float) -> float:
    return 0.0 if tokens >= 1 else (1 - tokens) / limit.refill_per_second


def waiting(name: str, *, key: str, now: float | None = None) -> float:
    """The seconds until the bucket `name` of `key` has a request to give, taking none: for
    limits that count only some requests (failed sign-ins), checked before the request is."""
    limit, _, tokens = _tokens(name, key, time.time() if now is None else now)
    return _wait(limit, tokens)


def take(name: str, *, key: str, now: float | None = None) -> float:
    """Take one request from the bucket `name` of `key`: 0 when allowed, else the seconds to wait
    until one is allowed.

    Read and write are not atomic, so two requests at the same instant may both get the last
    token: a limit against floods, not an exact count, and no lock is worth that here.
    """
    now = time.time() if now is None else now
    limit, cache_key, tokens = _tokens(name, key, now)
    wait = _wait(limit, tokens)
    if not wait:
        tokens -= 1
    # Kept as long as it takes an empty bucket to fill: after that, a missing entry means full.
    _cache().set(cache_key, (tokens, now), timeout=limit.seconds + 1)
    return wait


def wait_in_words(seconds: float) -> str:
    """How long to wait, as a person is told it: whole minutes, rounded up."""
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def limit_for(request: HttpRequest) -> str | None:
    """Which limit a request counts against, if any: the public POSTs, which anyone can send
    without signing in, and which make sessions, files and contacts."""
    match = request.resolver_match
    return None if match is None else limit_for_view(request.method or "", match.view_name)


def limit_for_view(method: str, view_name: str) -> str | None:
    """The limit a request to the named view counts against: also what the API's OpenAPI
    document says may answer 429."""
    if method != "POST":
        return None
    # Guessing a reference and status code: a tight limit, on the page and in the API alike.
    if view_name in {"refer:status", "api:check_status"}:
        return "status"
    # Referrals are limited whole, when one is started, so a school or hospital behind one
    # address is never stopped part-way through one; its pages have a looser limit of their own.
    if view_name == "refer:start":
        return "referral"
    if view_name.partition(":")[0] == "refer":
        return "referral-page"
    return None


class RateLimitMiddleware:
    """Refuse, with 429, public POSTs from an address that has sent too many.

    Placed after the URL is resolved (process_view) so limits follow URL names, not paths.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        name = limit_for(request)
        if name is None:
            return None
        wait = take(name, key=client_ip(request))
        if not wait:
            return None
        return too_many_requests(request, wait_seconds=wait)


def too_many_requests(request: HttpRequest, *, wait_seconds: float) -> HttpResponse:
    """429: how long to wait, and the numbers to phone if it cannot wait."""
    wait_words = wait_in_words(wait_seconds)
    if is_api_request(request):
        response: HttpResponse = JsonResponse(
            {"message": f"Too many requests: wait {wait_words} and try again."}, status=429
        )
    else:
        # What the person typed on this page comes back as hidden fields, so "Try again" sends
        # it again as it was: nothing is lost (earlier pages are already in their session).
        answers = [
            (name, value)
            for name, values in request.POST.lists()
            if name != "csrfmiddlewaretoken"
            for value in values
        ]
        response = render(
            request,
            "security/rate_limited.html",
            {
                "wait": wait_words,
                "answers": answers,
                "had_files": bool(request.FILES),
                "retry_url": request.get_full_path(),
            },
            status=429,
        )
    response["Retry-After"] = str(math.ceil(wait_seconds))
    add_never_cache_headers(response)
    return response


# Start-up: production must be able to tell that a request came over HTTPS.


@checks.register(checks.Tags.security)
def https_is_seen(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn when production settings cannot see HTTPS: Django then never sends HSTS (it does
    only on a request it knows came over HTTPS), and cannot tell when HTTP is used instead.

    Behind a reverse proxy that ends TLS, Django sees plain HTTP from the proxy unless it trusts
    the proxy's X-Forwarded-Proto (FRONTDOOR_TRUSTED_PROXIES of 1 or more); serving TLS itself,
    FRONTDOOR_SSL_REDIRECT sends any plain HTTP request to HTTPS. Neither: no HTTPS is seen.
    """
    if not settings.PRODUCTION or settings.DEBUG:
        return []
    if settings.SECURE_PROXY_SSL_HEADER or settings.SECURE_SSL_REDIRECT:
        return []
    return [
        checks.Warning(
            "Production settings see no HTTPS: Django cannot tell a request came over HTTPS, "
            "so it never sends HSTS (FRONTDOOR_HSTS_SECONDS) and does not redirect plain HTTP.",
            hint=(
                "Behind a reverse proxy or load balancer that ends TLS, set "
                "FRONTDOOR_TRUSTED_PROXIES to the number of proxies (at least 1); serving "
                "HTTPS from Front Door itself, set FRONTDOOR_SSL_REDIRECT=true. "
                "See docs/deployment.md."
            ),
            id="frontdoor.W001",
        )
    ]
