"""Front Door settings: one module, configured by environment variables.

Every setting has a safe embedded default (SQLite under var/, console notifications, local files,
DEBUG off), so `python3 dev.py run` works on a fresh machine. A malformed value stops start-up with
a message naming the variable. In production (FRONTDOOR_ENV=production) secrets must be given.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
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
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
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
    "frontdoor.policy",
    "frontdoor.accounts",
    "frontdoor.audit",
    "frontdoor.people",
    "frontdoor.intake",
    "frontdoor.outbox",
    "frontdoor.screening",
    "frontdoor.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "frontdoor.urls"
WSGI_APPLICATION = "frontdoor.wsgi.application"

TEMPLATES = [
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
            ],
        },
    }
]


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
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = env_int("FRONTDOOR_SESSION_SECONDS", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FRONTDOOR_LOG_LEVEL", "INFO")},
}
