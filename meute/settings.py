"""Meute settings, read from environment variables with safe development defaults.

See README.md ("Configuration") for the list of variables.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from meute.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("MEUTE_DATA_DIR", str(Path.cwd() / "var")))

# MEUTE_ENV=production switches off development defaults and refuses the insecure built-in secret.
MEUTE_ENV = env_str("MEUTE_ENV", "development").strip().lower()
if MEUTE_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"MEUTE_ENV must be 'development' or 'production', got {MEUTE_ENV!r}")
PRODUCTION = MEUTE_ENV == "production"

INSECURE_SECRET_KEY = "django-insecure-meute-development-only-key-change-me"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", INSECURE_SECRET_KEY)
if PRODUCTION and SECRET_KEY == INSECURE_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value when MEUTE_ENV=production.")
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_countries",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "meute.core",
    "meute.partnerships",
    "meute.money",
    "meute.programs",
    "meute.agreements",
    "meute.deals",
    "meute.groupings",
    "meute.remuneration",
    "meute.collaboration",
    "meute.notifications",
    "meute.leads",
    "meute.locator",
    "meute.enablement",
    "meute.funds",
    "meute.campaigns",
    "meute.insights",
    "meute.recruitment",
    "meute.home",
    "meute.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "meute.lib.uploads.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "meute.core.twofactor_middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last: turns a login refused by the lock-out (pages, admin) into the "locked out" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "meute.urls"
WSGI_APPLICATION = "meute.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "meute.notifications.context_processors.notifications",
            ],
        },
    },
]

# The cache holds rate-limit counters: the in-process default suits one server process; several processes
# (gunicorn workers, several machines) share a Redis cache through CACHE_URL=redis://host:6379/1.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "meute"}}

# Conflict hints a partner organisation may ask for, e.g. "30/min" or "500/day" (empty: no limit).
MEUTE_CONFLICT_CHECK_RATE = env_str("MEUTE_CONFLICT_CHECK_RATE", "30/min")
# Enquiries a visitor's address may send from the public partner locator (empty: no limit).
MEUTE_ENQUIRY_RATE = env_str("MEUTE_ENQUIRY_RATE", "5/hour")
# Partner applications from the public form, per visitor address.
MEUTE_APPLICATION_RATE = env_str("MEUTE_APPLICATION_RATE", "5/hour")
# Share (%) of a fund's unused balance carried over to the partnership's fund of the next period when it
# expires (0: everything unused expires).
MEUTE_MDF_CARRY_OVER_PERCENT = env_str("MEUTE_MDF_CARRY_OVER_PERCENT", "0")
# Registrations a visitor's address may send from the public page of a campaign event.
MEUTE_EVENT_REGISTRATION_RATE = env_str("MEUTE_EVENT_REGISTRATION_RATE", "10/hour")
# Lead distribution: open leads a partnership may hold at once, and hours a partner has to answer an offer.
# Revenue a partner declares counts once staff verify it; declarations under this amount (in their own
# currency) are verified at once. Empty: every declaration waits for a channel manager.
MEUTE_REVENUE_AUTO_VERIFY_BELOW = env_str("MEUTE_REVENUE_AUTO_VERIFY_BELOW", "")
MEUTE_LEADS_MAX_OPEN = env_int("MEUTE_LEADS_MAX_OPEN", 5)
MEUTE_LEADS_RESPONSE_HOURS = env_int("MEUTE_LEADS_RESPONSE_HOURS", 48)
# Currencies without a rate between them (either way) convert through this one, e.g. GBP → EUR → USD.
MEUTE_EXCHANGE_PIVOT = env_str("MEUTE_EXCHANGE_PIVOT", "EUR").strip().upper()
# Partnership health: weights of the checks over the defaults, e.g. "pillars=30,communication=5"
# (meute/insights/health.py lists the checks; a startup check refuses unknown names and an all-zero sum).
MEUTE_HEALTH_WEIGHTS = {
    key.strip(): value.strip()
    for key, _sep, value in (item.partition("=") for item in env_list("MEUTE_HEALTH_WEIGHTS", []))
}

# SQLite file by default (zero set-up); PostgreSQL in production through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'meute.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
# A persistent connection is checked before reuse, so a restarted database costs no failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; a busy timeout avoids "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lock-out backend comes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "meute.core.lockout.LoginProtectionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login protection on every way in (login page, admin, API token): after MEUTE_LOGIN_FAILURE_LIMIT failures
# for one account or from one address, further attempts are refused for MEUTE_LOGIN_LOCKOUT_MINUTES.
AXES_ENABLED = env_bool("MEUTE_LOGIN_PROTECTION", True)
AXES_FAILURE_LIMIT = env_int("MEUTE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MEUTE_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = env_list("MEUTE_LOGIN_LOCKOUT_BY", ["username", "ip_address"])
AXES_RESET_ON_SUCCESS = True
# A lock-out lasts its cool-off time from the last counted failure; attempts during it do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "meute.core.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "meute.core.lockout.client_ip"
AXES_VERBOSE = False
# Days an API token lives (a user may ask for fewer, or up to 365, on their tokens page).
MEUTE_API_TOKEN_DAYS = env_int("MEUTE_API_TOKEN_DAYS", 90)
# Retention in days of what `meute privacy purge` (and its daily beat task) deletes; 0 keeps it forever.
MEUTE_RETENTION_TOKEN_DAYS = env_int("MEUTE_RETENTION_TOKEN_DAYS", 30)  # after a token expired
MEUTE_RETENTION_LOGIN_DAYS = env_int("MEUTE_RETENTION_LOGIN_DAYS", 30)  # login attempts and access logs
MEUTE_RETENTION_NOTIFICATION_DAYS = env_int("MEUTE_RETENTION_NOTIFICATION_DAYS", 180)
MEUTE_RETENTION_ENQUIRY_DAYS = env_int("MEUTE_RETENTION_ENQUIRY_DAYS", 365)  # public locator enquiries
# Password-reset e-mails one address may ask for (e.g. "3/hour"; empty: no limit).
MEUTE_PASSWORD_RESET_RATE = env_str("MEUTE_PASSWORD_RESET_RATE", "3/hour")
# Where the site is reached from outside: links in e-mails need it (empty: the links are paths only).
MEUTE_SITE_URL = env_str("MEUTE_SITE_URL", "")
# TOTP second factor (django-otp): optional for everyone on staff; required before any page when true.
MEUTE_STAFF_2FA_REQUIRED = env_bool("MEUTE_STAFF_2FA_REQUIRED", False)
MEUTE_2FA_FAILURE_LIMIT = env_int("MEUTE_2FA_FAILURE_LIMIT", 5)
OTP_TOTP_ISSUER = "Meute"
# How long the unsubscribe link of a notification e-mail keeps working (0: no end).
MEUTE_UNSUBSCRIBE_LINK_DAYS = env_int("MEUTE_UNSUBSCRIBE_LINK_DAYS", 90)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
# One date and number format per language (meute/formats/).
FORMAT_MODULE_PATH = ["meute.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
# Uploaded documents are private: never served as static files, only through access-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEUTE_MAX_UPLOAD_MB = env_int("MEUTE_MAX_UPLOAD_MB", 20)
# The largest fund request a channel manager approves alone, in the fund's currency (administrators: no
# limit).
MEUTE_FUNDS_MANAGER_APPROVAL_LIMIT = env_str("MEUTE_FUNDS_MANAGER_APPROVAL_LIMIT", "10000")
# Largest import file (CSV, .xlsx, JSON) in MB. Requests announcing a body larger than the larger of the two
# limits are refused with 413 before their body is read (meute.lib.uploads.UploadLimitMiddleware).
MEUTE_IMPORT_MAX_MB = env_int("MEUTE_IMPORT_MAX_MB", 20)
FILE_UPLOAD_HANDLERS = [
    "meute.lib.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Days before a certification ends when its holder is reminded (once per delay), e.g. "60,14".
MEUTE_CERTIFICATION_REMINDER_DAYS = [
    int(d) for d in env_list("MEUTE_CERTIFICATION_REMINDER_DAYS", ["60", "14"])
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "meute@localhost")

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy on every answer: scripts, styles, fonts and images from Meute's own origin only; no
# inline script or style, no eval, no framing. htmx is configured not to inject its indicator styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
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
X_FRAME_OPTIONS = "DENY"
# Behind a reverse proxy, the scheme and the client's address come from the proxy's X-Forwarded-* headers.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "meute.core.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["meute.lib.api.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "meute.lib.api.Pagination",
    # JSON, the browsable API, and every list as a file with ?format=csv or ?format=xlsx.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "meute.lib.api_export.CSVRenderer",
        "meute.lib.api_export.XLSXRenderer",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "meute.lib.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "meute.lib.api_errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# /api/schema/ and /api/docs/ require a login unless this is true.
MEUTE_PUBLIC_API_DOCS = env_bool("MEUTE_PUBLIC_API_DOCS", False)
SPECTACULAR_SETTINGS = {
    "TITLE": "Meute API",
    "DESCRIPTION": (
        "REST API of Meute, the open-source Partner Relationship Management system.\n\n"
        "Authenticate with a token: `POST /api/auth/token/` with a username and password, then send "
        "`Authorization: Token <key>` on every request. A token acts with its user's rights: partner users "
        "only reach their own organisation's data.\n\n"
        "Records are addressed by `uuid`; reference data (territories, product lines, sectors, tags) by "
        "`code` when referenced from other records. Lists are paginated (`page`, `page_size`).\n\n"
        'Every error has the same shape: `{"error": {"code": "...", "message": "...", "fields": '
        '{"field": ["message"]}}}` with status 400 (invalid data), 401 (no or bad token), 403 (not '
        "allowed; code `field_not_writable` names in `fields` the fields your role may not change), 404 "
        "(not found or not visible to you) or 409 (a workflow refuses the request in the current state, "
        "e.g. a wrong stage, a decision already taken, deleting a referenced record; `code` says which, "
        "`message` says why and `details`, when present, what is missing). A refused request writes "
        "nothing."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "meute.lib.api_schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "meute.core.choices.UserRole",
        "PersonRoleEnum": "meute.core.choices.PersonRole",
        "PartyRoleEnum": "meute.partnerships.choices.PartyRole",
        "PartnerTypeEnum": "meute.core.choices.PartnerType",
        "LabelKindEnum": "meute.locator.choices.LabelKind",
        "PayoutStatusEnum": "meute.remuneration.choices.PayoutStatus",
        "DealPartyRoleEnum": "meute.deals.choices.DealPartyRole",
        "CertifiedRoleEnum": "meute.programs.choices.CertifiedRole",
        "RecruitmentStageEnum": "meute.recruitment.choices.Stage",
        "RegistrationStatusEnum": "meute.campaigns.choices.RegistrationStatus",
    },
}

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TIMEZONE = TIME_ZONE

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
