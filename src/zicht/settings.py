"""Django settings for Zicht, read from the environment (12-factor).

Demo mode (``ZICHT_DEMO=1``, set by ``make demo``) supplies throw-away secrets; outside
demo mode every secret must come from the environment and the process refuses to start
without it. Demo mode and the demo secrets are refused whenever DEBUG is off or the database
is PostgreSQL (a real installation), see ``refuse_demo``. The test suite does not use demo
mode: it runs with its own throw-away keys (``tests/settings.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEMO = env_bool("ZICHT_DEMO")
DEBUG = env_bool("ZICHT_DEBUG", False)

DATA_DIR = Path(os.environ.get("ZICHT_DATA_DIR", REPO_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
SHARED_DATA_DIR = Path(os.environ.get("ZICHT_SHARED_DATA", REPO_DIR.parent / "shared" / "data")).resolve()

_DEMO_SECRETS = {
    "ZICHT_SECRET_KEY": "demo-only-secret-key-never-use-in-production-0123456789abcdef",
    # Fernet keys (urlsafe base64, 32 bytes). Comma separated: first encrypts, all decrypt.
    "ZICHT_FIELD_KEYS": "ZGVtby1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDA=",
    "ZICHT_BSN_HASH_KEY": "demo-only-bsn-pepper",
}


def secret(name: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if DEMO:
        return _DEMO_SECRETS[name]
    raise ImproperlyConfigured(f"{name} is not set. Set it in the environment, or set ZICHT_DEMO=1 for the demo.")


SECRET_KEY = secret("ZICHT_SECRET_KEY")
FIELD_ENCRYPTION_KEYS = [k.strip() for k in secret("ZICHT_FIELD_KEYS").split(",") if k.strip()]
BSN_HASH_KEY = secret("ZICHT_BSN_HASH_KEY")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ZICHT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ZICHT_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "zicht.access.adminconfig.ZichtAdminConfig",  # django.contrib.admin as ZichtAdminSite (issue 12)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens for partner systems (zicht api_token USERNAME; see docs/api.md).
    "rest_framework.authtoken",
    "drf_spectacular",
    # Login security (issue 6): TOTP second factor, lockout, CSP.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "zicht.core",
    "zicht.access",
    "zicht.geo",
    "zicht.registry",
    "zicht.linkage",
    "zicht.casework",
    "zicht.areas",
    "zicht.prevention",
    "zicht.buurtregie",
    "zicht.knowledge",
    "zicht.api",
    "zicht.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zicht.core.language.LanguageMiddleware",  # Dutch unless chosen otherwise (issue 18)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zicht.core.middleware.SessionIdleTimeoutMiddleware",
    # django-otp's OTPMiddleware with the verified device cached per worker (no query per request).
    "zicht.access.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "zicht.core.middleware.SecurityHeadersMiddleware",
    "zicht.core.middleware.LoginRequiredMiddleware",
    "zicht.access.middleware.TwoFactorRequiredMiddleware",
    # django-axes last: it turns lockouts raised by its backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zicht.urls"
WSGI_APPLICATION = "zicht.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zicht.site.context_processors.zicht",
            ],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'zicht.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db), conn_max_age=int(os.environ.get("ZICHT_CONN_MAX_AGE", "60"))
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test_zicht.sqlite3")} if env_bool("ZICHT_TEST_SQLITE_FILE") else {}


def refuse_demo(demo: bool, debug: bool, engine: str, secrets: dict[str, str]) -> None:
    """Demo mode and the published demo secrets only on a developer's machine: DEBUG on, SQLite.

    A production installation (DEBUG off, or PostgreSQL) that ended up in demo mode would run with
    keys anyone can read in this repository; it refuses to start instead.
    """
    real = not debug or "postgresql" in engine or "postgis" in engine
    if not real:
        return
    if demo:
        raise ImproperlyConfigured(
            "ZICHT_DEMO=1 is refused when DEBUG is off or the database is PostgreSQL; demo mode needs ZICHT_DEBUG=1 and SQLite."
        )
    used = sorted(name for name, value in secrets.items() if set(value.split(",")) & set(_DEMO_SECRETS[name].split(",")))
    if used:
        raise ImproperlyConfigured(f"{', '.join(used)} holds the published demo value; set a real secret.")


refuse_demo(
    DEMO,
    DEBUG,
    DATABASES["default"]["ENGINE"],
    {"ZICHT_SECRET_KEY": SECRET_KEY, "ZICHT_FIELD_KEYS": ",".join(FIELD_ENCRYPTION_KEYS), "ZICHT_BSN_HASH_KEY": BSN_HASH_KEY},
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# Large request bodies are spooled here (not /tmp): stale spool files are removed at the next
# start (zicht.registry.uploads.remove_stale_uploads).
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "uploads" / "incoming")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "access:login"

# --- Login and session security (issue 6; see docs/security.md) -------------------------
AUTHENTICATION_BACKENDS = [
    # Lockout check first (django-axes); skips programmatic calls without a request.
    "zicht.access.backends.LockoutBackend",
    # Django's ModelBackend; loads user + profile + organisation in one query and keeps it per worker
    # (zicht.access.backends, ZICHT_USER_SNAPSHOT_SECONDS).
    "zicht.access.backends.PasswordBackend",
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("ZICHT_SESSION_SECONDS", str(30 * 60)))
# Idle timeout without a database write per request: SessionIdleTimeoutMiddleware refreshes the
# session's expiry at most once per SESSION_REFRESH_SECONDS; cached_db reads sessions from memory.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = int(os.environ.get("ZICHT_SESSION_REFRESH_SECONDS", "60"))
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# One cache shared by every worker process on the host (sessions, non-personal page fragments,
# aggregate counts). It must be shared: with a per-process cache a logout or a stated purpose
# in one worker would stay unknown to the others, and an import or recolour (often another
# process) could not invalidate what the web workers hold. Several web hosts need a network
# cache: set ZICHT_REDIS_URL (requires the redis package). Tests use a per-process cache (tests/settings.py).
if os.environ.get("ZICHT_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["ZICHT_REDIS_URL"]}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("ZICHT_CACHE_DIR", str(DATA_DIR / "cache")),
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }
# Seconds a web worker reuses a signed-in user + profile snapshot (zicht.access.backends); any
# save of the account, profile, organisation or 2FA device ends it at once. 0 = a query per
# request (the test suite, tests/settings.py: its rolled-back ids repeat between tests).
USER_SNAPSHOT_SECONDS = int(os.environ.get("ZICHT_USER_SNAPSHOT_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# How the protected sets are solved after an import: thread | sync | off (zicht.areas.warm).
ZICHT_WARM_AFTER_IMPORT = os.environ.get("ZICHT_WARM_AFTER_IMPORT", "thread")
# Uploads leave linking and colouring to `zicht postprocess` (a cron job or worker) instead of the request.
ZICHT_DEFER_POSTPROCESS = env_bool("ZICHT_DEFER_POSTPROCESS", False)
SECURE_COOKIES = env_bool("ZICHT_SECURE_COOKIES", not DEMO)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = int(os.environ.get("ZICHT_HSTS_SECONDS", "0" if DEMO else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = env_bool("ZICHT_SSL_REDIRECT", False)
if env_bool("ZICHT_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): no inline or third-party scripts, nothing from a CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # style="" attributes (bar widths in tables) are allowed; <style> elements are not.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Two-factor authentication (django-otp TOTP) for every role that can see personal data.
OTP_TOTP_ISSUER = os.environ.get("ZICHT_OTP_ISSUER", "Zicht" + (" demo" if DEMO else ""))
OTP_TOTP_THROTTLE_FACTOR = 1

# Lockout after repeated failures (django-axes): per username + IP, so an attacker cannot lock
# out a colleague from elsewhere by guessing; `zicht axes_reset_username NAME` lifts a lockout.
AXES_FAILURE_LIMIT = int(os.environ.get("ZICHT_LOCKOUT_FAILURES", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = float(os.environ.get("ZICHT_LOCKOUT_HOURS", "0.5"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "access/lockout.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]

# Optional OpenID Connect single sign-on (mozilla-django-oidc), enabled by ZICHT_OIDC_* variables.
OIDC_ENABLED = bool(os.environ.get("ZICHT_OIDC_CLIENT_ID"))
if OIDC_ENABLED:
    OIDC_RP_CLIENT_ID = os.environ["ZICHT_OIDC_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = secret("ZICHT_OIDC_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["ZICHT_OIDC_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["ZICHT_OIDC_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["ZICHT_OIDC_USERINFO_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("ZICHT_OIDC_JWKS_ENDPOINT", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("ZICHT_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("ZICHT_OIDC_SCOPES", "openid email profile")
    OIDC_USE_PKCE = True
    OIDC_AUTHENTICATION_CALLBACK_URL = "access:oidc_callback"
    AUTHENTICATION_BACKENDS.append("zicht.access.oidc.ZichtOIDCBackend")
ZICHT_OIDC_ROLE_CLAIM = os.environ.get("ZICHT_OIDC_ROLE_CLAIM", "zicht_role")
ZICHT_OIDC_ORGANISATION_CLAIM = os.environ.get("ZICHT_OIDC_ORGANISATION_CLAIM", "zicht_organisation")
ZICHT_OIDC_REGION_CLAIM = os.environ.get("ZICHT_OIDC_REGION_CLAIM", "zicht_vt_regio")
# The IdP's own MFA counts as the second factor only when its ID token says so (amr claim).
ZICHT_OIDC_TRUST_MFA = env_bool("ZICHT_OIDC_TRUST_MFA", False)

# Error reports never carry request bodies or local variables (personal data).
DEFAULT_EXCEPTION_REPORTER_FILTER = "zicht.core.logging.NoPersonalDataReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "zicht.core.logging.NoPersonalDataExceptionReporter"

# Retention terms (zicht retention; see zicht.access.retention). Years per record kind;
# registry records per Veilig Thuis region, e.g. ZICHT_RETENTION_REGIONS='{"Midden-Brabant": 20}'.
import json as _json

# The access log itself is kept at least this many years (zicht accesslog --purge-before refuses younger).
ACCESS_LOG_RETENTION_YEARS = int(os.environ.get("ZICHT_ACCESS_LOG_RETENTION_YEARS", "5"))

RETENTION = {
    "signaal_years": int(os.environ.get("ZICHT_RETENTION_SIGNAL_YEARS", "2")),
    "registry_years": int(os.environ.get("ZICHT_RETENTION_REGISTRY_YEARS", "20")),
    "registry_years_per_region": _json.loads(os.environ.get("ZICHT_RETENTION_REGIONS", "{}")),
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zicht API",
    "DESCRIPTION": "Signalen aanleveren en geaggregeerde, onthullingsbeveiligde cijfers lezen.",
    "VERSION": "1.0.0",
    # NL API Design Rules: major version in the server URI, a contact, API-Version on every response.
    # Each installation sets its own contact (ZICHT_API_CONTACT_*); the defaults are reserved .example names.
    "SERVERS": [{"url": "/api/v1", "description": "Deze installatie"}],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "CONTACT": {
        "name": os.environ.get("ZICHT_API_CONTACT_NAME", "Functioneel beheer Zicht"),
        "url": os.environ.get("ZICHT_API_CONTACT_URL", "https://zicht.gemeente.example/"),
        "email": os.environ.get("ZICHT_API_CONTACT_EMAIL", "functioneel.beheer@gemeente.example"),
    },
    "LICENSE": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "zicht.api.schema.version_headers"],
}

# Disclosure control defaults (see zicht.areas.disclosure).
DISCLOSURE_ROUNDING_BASE = int(os.environ.get("ZICHT_DISCLOSURE_ROUNDING", "5"))
DISCLOSURE_THRESHOLD = int(os.environ.get("ZICHT_DISCLOSURE_THRESHOLD", "10"))


def _check_disclosure_settings(threshold: int, rounding_base: int) -> None:
    """Refuse a threshold or rounding base that makes disclosure control meaningless (issue 12)."""
    from zicht.areas.disclosure import policy_problems

    problems = policy_problems(threshold, rounding_base)
    if problems:
        raise ImproperlyConfigured("Onthullingsbeveiliging geweigerd: " + "; ".join(problems) + ".")


_check_disclosure_settings(DISCLOSURE_THRESHOLD, DISCLOSURE_ROUNDING_BASE)

DEMO_GEMEENTE = os.environ.get("ZICHT_DEMO_GEMEENTE", "GM0855")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "zicht.core.logging.PersonalDataFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("ZICHT_LOG_LEVEL", "WARNING")},
    # Django's own loggers would otherwise keep its default (unfiltered) console and mail handlers.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
