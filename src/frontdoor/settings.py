"""Front Door settings: one module, configured by environment variables.

Every setting has a safe embedded default (SQLite under var/, console notifications, local files,
DEBUG off), so `python3 dev.py run` works on a fresh machine. A malformed value stops start-up with
a message naming the variable. In production (FRONTDOOR_ENV=production) secrets must be given.
"""

import datetime as dt
import json
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured

REPO_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("FRONTDOOR_VAR_DIR", REPO_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, *, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENT = env_str("FRONTDOOR_ENV", "embedded")
if ENVIRONMENT not in {"embedded", "production", "test"}:
    raise ImproperlyConfigured(
        f"FRONTDOOR_ENV must be embedded, production or test, not {ENVIRONMENT!r}."
    )
PRODUCTION = ENVIRONMENT == "production"


def _secret_key() -> str:
    key = os.environ.get("FRONTDOOR_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("FRONTDOOR_SECRET_KEY must be set in production.")
    # The embedded default keeps a key of its own under var/, never committed.
    path = VAR_DIR / "secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: of processes starting together (the web server
        # and the worker, two test suites), the first to link wins and all read its key whole.
        draft = path.with_name(f"secret-key.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Keys SECRET_KEY replaced, still accepted for what they signed: sessions, and referrers' status
# codes. Drop a key from here once what it signed has expired.
SECRET_KEY_FALLBACKS = env_list("FRONTDOOR_SECRET_KEY_FALLBACKS", default=[])
DEBUG = env_bool("FRONTDOOR_DEBUG", default=False)
ALLOWED_HOSTS = env_list("FRONTDOOR_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("FRONTDOOR_CSRF_TRUSTED_ORIGINS", default=[])

# The council this installation serves: a policy id in FRONTDOOR_POLICY_DIR.
FRONTDOOR_POLICY_DIR = Path(env_str("FRONTDOOR_POLICY_DIR", str(REPO_DIR / "policies")))
FRONTDOOR_COUNCIL = env_str("FRONTDOOR_COUNCIL", "sefton")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "ninja",  # serves the API docs' own Swagger files, so /api/v1/docs works offline
    "django_otp",  # two-factor sign-in (frontdoor.accounts.two_factor)
    "django_otp.plugins.otp_totp",
    "axes",  # lockout after repeated failed sign-ins (frontdoor.accounts.lockout)
    "csp",  # the Content-Security-Policy header; its checks catch settings of old versions
    "frontdoor.policy",
    "frontdoor.accounts",
    "frontdoor.audit",
    "frontdoor.people",
    "frontdoor.intake",
    "frontdoor.outbox",
    "frontdoor.screening",
    "frontdoor.returns",
    "frontdoor.handoffs",
    "frontdoor.mash",
    "frontdoor.escalations",
    "frontdoor.privacy",
    "frontdoor.demo",
]

MIDDLEWARE = [
    # Before all else: which council the request serves, and its address without the council's
    # part (frontdoor.policy.councils).
    "frontdoor.policy.councils.CouncilMiddleware",
    # First, to see every answer: those under /api/ are JSON, whichever part refused.
    "frontdoor.error_pages.ApiRefusalsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "frontdoor.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A page re-shown with its form's errors says so in its title and answers 400, whichever
    # view drew it.
    "frontdoor.form_errors.FormErrorsMiddleware",
    # After the messages (to say why) and before the view hooks (so sign-in follows).
    "frontdoor.accounts.idle.IdleTimeoutMiddleware",
    # View hooks, in this order: signed in (above), then the code given, then the rate limits.
    "frontdoor.accounts.two_factor.TwoFactorMiddleware",
    "frontdoor.security.RateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "frontdoor.urls"
WSGI_APPLICATION = "frontdoor.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontdoor.policy.context_processors.council",
                "frontdoor.accounts.context_processors.permissions",
                "frontdoor.intake.context_processors.names_withheld",
            ],
            # `unnamed`: staff-written words with a restricted child's names withheld (R45).
            # `in_sentence`: a label mid-sentence keeps its acronyms ("in MASH"); `errors_shown`:
            # an error summary marks its page, which then answers 400 (frontdoor.form_errors).
            "builtins": [
                "frontdoor.wording",
                "frontdoor.form_errors",
                "frontdoor.intake.templatetags.withheld_names",
            ],
        },
    }
]
if ENVIRONMENT == "test":
    # A template naming a variable its page did not give fails the test that renders it,
    # instead of showing nothing (frontdoor.missing_variables). Imported only in tests, where it
    # is used.
    from frontdoor.missing_variables import MissingVariable

    TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = MissingVariable()


def _databases() -> dict:
    default_url = f"sqlite:///{VAR_DIR / 'frontdoor.sqlite3'}"
    url = env_str("DATABASE_URL", default_url)
    try:
        config = dj_database_url.parse(
            url,
            conn_max_age=env_int("FRONTDOOR_DB_CONN_MAX_AGE", default=600),
            conn_health_checks=True,
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at BEGIN
        # so two writers queue instead of failing half-way with "database is locked".
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        config["CONN_MAX_AGE"] = 0 if config["NAME"] == ":memory:" else config["CONN_MAX_AGE"]
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    elif env_bool("FRONTDOOR_DB_PREPARED_STATEMENTS", default=True):
        # The few statements run through `frontdoor.prepared` are prepared on the server after
        # two runs on a connection, so PostgreSQL plans them once (all other queries are bound
        # in the client and never prepared). Turn off behind a connection pooler in
        # transaction mode that does not support prepared statements.
        config.setdefault("OPTIONS", {})["prepare_threshold"] = 2
    # The test database is made from the models, not by running every migration (which took
    # minutes of each suite). tests/test_migrations.py runs them all on a database of its own
    # and checks that they make the same tables and carry the data across.
    config["TEST"] = {"MIGRATE": False}
    return {"default": config}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENVIRONMENT == "test":
    # Django's advice for test suites: Argon2 spends a fifth of a second and 100 MB on each
    # password, by design, and the tests make thousands of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Security: sign-in, sessions, cookies, headers and rate limits. README "Security" explains them.

# Two-factor sign-in (frontdoor.accounts.two_factor): `required` for everyone in production;
# `optional` elsewhere, so demo sign-ins stay one step and tests can sign in directly.
FRONTDOOR_TWO_FACTOR = env_str("FRONTDOOR_TWO_FACTOR", "required" if PRODUCTION else "optional")
if FRONTDOOR_TWO_FACTOR not in {"required", "optional"}:
    raise ImproperlyConfigured(
        f"FRONTDOOR_TWO_FACTOR must be required or optional, not {FRONTDOOR_TWO_FACTOR!r}."
    )
OTP_TOTP_ISSUER = "Front Door"
# Who staff contact when locked out or without their phone (shown on those pages).
FRONTDOOR_SUPPORT_CONTACT = env_str("FRONTDOOR_SUPPORT_CONTACT", "your Front Door administrator")

# Lockout (django-axes): 5 wrong passwords for one username from one address lock that pair
# for 30 minutes; an administrator unlocks it in the admin. The audit trail keeps each failure.
# Guesses spread over many addresses, or over many usernames from one, are slowed by the
# sign-in limits in FRONTDOOR_RATE_LIMITS below (frontdoor.accounts.lockout).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("FRONTDOOR_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("FRONTDOOR_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are on the audit trail already
AXES_CLIENT_IP_CALLABLE = "frontdoor.security.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "frontdoor.accounts.lockout.lockout_response"
AXES_HANDLER = "frontdoor.accounts.lockout.SignInHandler"
AXES_VERBOSE = False

# Reverse proxies in front of Front Door that append the client's address to X-Forwarded-For
# (and say https in X-Forwarded-Proto). 0: the client connects directly.
# Behind a proxy that ends TLS this must be 1 or more, or Django sees plain HTTP: it then never
# sends HSTS, and start-up warns (frontdoor.security.https_is_seen). docs/deployment.md.
FRONTDOOR_TRUSTED_PROXIES = env_int("FRONTDOOR_TRUSTED_PROXIES", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if FRONTDOOR_TRUSTED_PROXIES else None
# Serving HTTPS from Front Door itself (no proxy): send plain HTTP requests to HTTPS. Never
# behind a proxy that is not trusted, where every request looks like plain HTTP (a loop).
SECURE_SSL_REDIRECT = env_bool("FRONTDOOR_SSL_REDIRECT", default=False)

# Sessions: a signed-in session left idle for FRONTDOOR_IDLE_MINUTES is signed out
# (frontdoor.accounts.idle); any session, signed in or not, lasts FRONTDOOR_SESSION_SECONDS
# from its last change at most, and ends when the browser closes.
FRONTDOOR_IDLE_MINUTES = env_int("FRONTDOOR_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = env_int("FRONTDOOR_SESSION_SECONDS", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
# Lax, not Strict: a link to a contact from an e-mail must open it signed in.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "frontdoor.error_pages.csrf_failure"  # the service's own page, what to do

# Headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS only in production, where the site is served over HTTPS (browsers remember it).
SECURE_HSTS_SECONDS = env_int(
    "FRONTDOOR_HSTS_SECONDS", default=365 * 24 * 60 * 60 if PRODUCTION else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("FRONTDOOR_HSTS_INCLUDE_SUBDOMAINS", default=False)
# Only our own files: no inline script but the two in base.html, which carry the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}
FRONTDOOR_PERMISSIONS_OFF = (
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
)

# The cache, which holds the rate limits and the sign-in limits. By default a table in the
# database (made by `migrate`): every worker and machine counts together, on SQLite and
# PostgreSQL alike. A shared Redis (FRONTDOOR_CACHE_URL=redis://host:6379/0) spares the database
# those writes; locmem:// keeps it in each process's memory, where each process counts alone.
FRONTDOOR_CACHE_URL = env_str("FRONTDOOR_CACHE_URL", "")
CACHES: dict[str, dict[str, Any]]
if FRONTDOOR_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": FRONTDOOR_CACHE_URL,
        }
    }
elif FRONTDOOR_CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif FRONTDOOR_CACHE_URL == "":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "frontdoor_cache",
            # Past this many entries the oldest third is dropped, refilling those buckets: high
            # enough that one needs thousands of addresses or usernames to do it on purpose.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
else:
    raise ImproperlyConfigured(
        "FRONTDOOR_CACHE_URL must be a redis:// address, locmem:// or empty, "
        f"not {FRONTDOOR_CACHE_URL!r}."
    )


def env_rate(name: str, *, default: str) -> tuple[int, int]:
    """A rate limit written REQUESTS/SECONDS, like 100/600 (100 requests in 10 minutes)."""
    value = env_str(name, default)
    requests, _, seconds = value.partition("/")
    try:
        rate = (int(requests), int(seconds))
    except ValueError:
        rate = (0, 0)
    if rate[0] < 1 or rate[1] < 1:
        raise ImproperlyConfigured(f"{name} must be REQUESTS/SECONDS, like 100/600, not {value!r}.")
    return rate


# Rate limits (token buckets, frontdoor.security): per client address on the public POSTs, and
# on failed sign-ins. The tests send many referrals from one address, so the referral and status
# defaults are high there; the tests of the limits set their own.
_RATE_SCALE = 100 if ENVIRONMENT == "test" else 1
FRONTDOOR_RATE_LIMITS = {
    # Referrals started on the online form: 30 at once, then one every 20 seconds. A journey
    # once started is never stopped by this part-way; a busy school's sixth in ten minutes goes.
    "referral": env_rate("FRONTDOOR_RATE_REFERRAL", default=f"{30 * _RATE_SCALE}/600"),
    # Pages of the form sent (a referral is about 20): bounds what one address can write.
    "referral-page": env_rate("FRONTDOOR_RATE_REFERRAL_PAGE", default=f"{1000 * _RATE_SCALE}/600"),
    # Checking a referral's progress, on the page or through the API.
    "status": env_rate("FRONTDOOR_RATE_STATUS", default=f"{10 * _RATE_SCALE}/600"),
    # Wrong passwords for one account, from any address, by browsers that have not signed in to
    # it before: 10 at once (above the 5 that lock one address, so a person mistyping meets
    # that clearer lock first), then one every 3 minutes. A 25th guess comes 45 minutes after
    # the first at the soonest, and an hour allows at most 30, where ASVS 2.2.1 allows 100; the
    # owner's own browser is not slowed, so knowing a username does not lock its owner out.
    "sign-in-account": env_rate("FRONTDOOR_RATE_SIGN_IN_ACCOUNT", default="10/1800"),
    # Wrong usernames or passwords from one address, for any accounts, by browsers that have
    # not signed in to them before: 30 at once, then one every 2 minutes, including the right
    # password. An office behind one address seldom mistypes 30 times in an hour; spraying one
    # password over a thousand usernames from one address takes more than a day.
    "sign-in-address": env_rate("FRONTDOOR_RATE_SIGN_IN_ADDRESS", default="30/3600"),
}
# A browser that has signed in to an account before is slowed on its own, as an account is (so
# a stolen cookie does not let guesses through from everywhere).
FRONTDOOR_RATE_LIMITS["sign-in-browser"] = FRONTDOOR_RATE_LIMITS["sign-in-account"]
FRONTDOOR_RATE_LIMIT_CACHE = "default"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"  # shown in London time; stored in UTC
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # where collectstatic puts files for production
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
NODE_MODULES = REPO_DIR / "node_modules"
ASSETS_BUILD_DIR = VAR_DIR / "assets"
STATICFILES_DIRS = [
    ("assets", NODE_MODULES / "govuk-frontend/dist/govuk/assets"),
    ("assets", NODE_MODULES / "@ministryofjustice/frontend/moj/assets"),
    ("govuk", NODE_MODULES / "govuk-frontend/dist/govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice/frontend/moj"),
    ("frontdoor/build", ASSETS_BUILD_DIR),
]
# Served from the finders, so the embedded default needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
# The tests make a new request handler for almost every test, and WhiteNoise lists every
# static file (about 1,500) when a handler starts. Found on request instead, as under DEBUG,
# a test pays only for the files it asks for.
WHITENOISE_AUTOREFRESH = ENVIRONMENT == "test"

# Documents that arrive with contacts: kept outside the web root and never served by URL; only
# a view that checks who may see the contact streams them (R10, R45).
MEDIA_ROOT = Path(env_str("FRONTDOOR_UPLOAD_DIR", str(VAR_DIR / "uploads")))
FRONTDOOR_MAX_UPLOAD_BYTES = env_int("FRONTDOOR_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)

TASKS = {
    "default": {
        "BACKEND": env_str("FRONTDOOR_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# E-mail leaves through the outbox (frontdoor.outbox). The embedded default writes each message to a
# file under var/sent-mail so nothing goes out from a demo; production names an SMTP relay.


def _handoff_webhooks() -> dict[str, Any]:
    """R44: where each record system of each council takes its hand-offs, from
    FRONTDOOR_HANDOFF_WEBHOOKS: JSON such as {"lcs": {"url": "https://…", "secret": "whsec_…"}}
    for the default council's record systems, and {"lewisham": {"lcs": {…}}} for another
    council's (frontdoor.handoffs.webhooks). A record system not named here pulls its hand-offs
    through the API (docs/handoff.md)."""
    text = env_str("FRONTDOOR_HANDOFF_WEBHOOKS", "")
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise ImproperlyConfigured("FRONTDOOR_HANDOFF_WEBHOOKS must be JSON.") from None

    def webhook(v: Any) -> bool:
        return (
            isinstance(v, dict)
            and isinstance(v.get("url"), str)
            and isinstance(v.get("secret"), str)
        )

    def council(v: Any) -> bool:
        return isinstance(v, dict) and "url" not in v and all(webhook(w) for w in v.values())

    if not isinstance(value, dict) or not all(webhook(v) or council(v) for v in value.values()):
        raise ImproperlyConfigured(
            "FRONTDOOR_HANDOFF_WEBHOOKS must map each record system to its url and secret, "
            "and each council named to its own record systems' url and secret."
        )
    return value


HANDOFF_WEBHOOKS = _handoff_webhooks()
# Tries before a hand-off is stopped for an administrator to look at (the dead letter), and the
# wait before the second try, doubled each time after.
HANDOFF_MOST_ATTEMPTS = env_int("FRONTDOOR_HANDOFF_MOST_ATTEMPTS", default=10)
HANDOFF_FIRST_RETRY_SECONDS = env_int("FRONTDOOR_HANDOFF_FIRST_RETRY_SECONDS", default=30)
# How long one request waits for a record's answer, and the most one delivery run spends: a run
# starts no request that could end later, and leaves the rest for the next run (every minute).
HANDOFF_TIMEOUT_SECONDS = env_int("FRONTDOOR_HANDOFF_TIMEOUT_SECONDS", default=10)
HANDOFF_RUN_SECONDS = env_int("FRONTDOOR_HANDOFF_RUN_SECONDS", default=50)

EMAIL_BACKEND = env_str(
    "FRONTDOOR_EMAIL_BACKEND",
    {
        "embedded": "django.core.mail.backends.filebased.EmailBackend",
        "test": "django.core.mail.backends.locmem.EmailBackend",
        "production": "django.core.mail.backends.smtp.EmailBackend",
    }[ENVIRONMENT],
)
EMAIL_FILE_PATH = VAR_DIR / "sent-mail"
EMAIL_HOST = env_str("FRONTDOOR_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("FRONTDOOR_EMAIL_PORT", default=25)
EMAIL_USE_TLS = env_bool("FRONTDOOR_EMAIL_USE_TLS", default=PRODUCTION)
DEFAULT_FROM_EMAIL = env_str("FRONTDOOR_FROM_EMAIL", "front-door@localhost")

# Which sender takes messages from the outbox: "django" (the mail backend above: files, memory or
# SMTP) or "notify" (GOV.UK Notify, e-mail and text messages). Notify needs an API key (a test
# key sends nothing to anyone) and its templates: a generic e-mail template with ((subject)) and
# ((body)), a generic text message template with ((body)), and optionally one per message kind
# ("referrer_feedback.sms=<id>"). FRONTDOOR_NOTIFY_BASE_URL points at another Notify-compatible
# service (the tests start one of their own). See docs/notify.md.
FRONTDOOR_OUTBOX_SENDER = env_str("FRONTDOOR_OUTBOX_SENDER", "django")
if FRONTDOOR_OUTBOX_SENDER not in {"django", "notify"}:
    raise ImproperlyConfigured(
        f"FRONTDOOR_OUTBOX_SENDER must be django or notify, not {FRONTDOOR_OUTBOX_SENDER!r}."
    )
FRONTDOOR_NOTIFY_API_KEY = env_str("FRONTDOOR_NOTIFY_API_KEY", "")
FRONTDOOR_NOTIFY_BASE_URL = env_str(
    "FRONTDOOR_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)


def _notify_templates(name: str) -> dict[str, str]:
    templates = {}
    for item in env_list(name, default=[]):
        which, _, template_id = item.partition("=")
        if not which.strip() or not template_id.strip():
            raise ImproperlyConfigured(
                f"{name} takes which=template-id pairs separated by commas, not {item!r}."
            )
        templates[which.strip()] = template_id.strip()
    return templates


# "email=<id>,sms=<id>,referrer_feedback.sms=<id>": a kind's own template, else its channel's.
FRONTDOOR_NOTIFY_TEMPLATES = _notify_templates("FRONTDOOR_NOTIFY_TEMPLATES")
if FRONTDOOR_OUTBOX_SENDER == "notify":
    if len(FRONTDOOR_NOTIFY_API_KEY) < 74:
        raise ImproperlyConfigured(
            "FRONTDOOR_NOTIFY_API_KEY must be the whole key Notify gave (name, service id and "
            "secret) when FRONTDOOR_OUTBOX_SENDER is notify."
        )
    if "email" not in FRONTDOOR_NOTIFY_TEMPLATES:
        raise ImproperlyConfigured(
            "FRONTDOOR_NOTIFY_TEMPLATES must name an email template when FRONTDOOR_OUTBOX_SENDER "
            "is notify."
        )

LOG_LEVEL = env_str("FRONTDOOR_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"FRONTDOOR_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}."
    )
# One console, one level. Django gives its own `django` logger a level and handlers of its own
# (INFO, and a console shown only in debug): here it takes the level set and writes through the
# root's console like every other logger, so "Not Found" warnings obey FRONTDOOR_LOG_LEVEL too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"level": LOG_LEVEL, "handlers": []}},
}
