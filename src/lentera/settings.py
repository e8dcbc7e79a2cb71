"""Lentera's settings: one module, configured from the environment.

Every setting read from the environment is documented in docs/configuration.md.
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


# LENTERA_DATA_DIR: where the SQLite database, the secret key and the files live.
DATA_DIR = Path(os.environ.get("LENTERA_DATA_DIR", "lentera-data")).resolve()


def _secret_key() -> str:
    """LENTERA_SECRET_KEY, or a key generated once and kept in the data directory."""
    if key := os.environ.get("LENTERA_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

# LENTERA_DEBUG: never on in production.
DEBUG = env_bool("LENTERA_DEBUG")

# LENTERA_ALLOWED_HOSTS: comma-separated host names the site answers to.
ALLOWED_HOSTS = env_list("LENTERA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# LENTERA_CSRF_TRUSTED_ORIGINS: origins allowed to POST when behind a proxy.
CSRF_TRUSTED_ORIGINS = env_list("LENTERA_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "lentera.core",
    "lentera.organizations",
    "lentera.audit",
    "lentera.accounts",
    "lentera.sop",
    "lentera.register",
    "lentera.documents",
    "lentera.deadlines",
    "lentera.search",
    "lentera.office",
    "lentera.portal",
    "lentera.api",
]

MIDDLEWARE = [
    "lentera.core.middleware.BaseUrlMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lentera.core.middleware.RejectNulMiddleware",
    "csp.middleware.CSPMiddleware",
    "lentera.core.middleware.PermissionsPolicyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lentera.core.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lentera.urls"
WSGI_APPLICATION = "lentera.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lentera.deadlines.context_processors.notifications",
                "lentera.office.context_processors.office_menu",
            ],
        },
    },
]

# DATABASE_URL: any URL dj-database-url understands; SQLite in the data directory by default.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'lentera.sqlite3'}",
        conn_max_age=int(os.environ.get("LENTERA_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids
    # "database is locked" when a read transaction later writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Connections stay open across requests, as on PostgreSQL: opening one and its
    # PRAGMAs cost more than a kept page's whole answer (about 1 ms).

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins (office and admin) lock a username at one address out for a while
# (django-axes); administrators see and lift lockouts in the admin. Successful logins
# clear the count. LENTERA_LOGIN_FAILURES and LENTERA_LOCKOUT_MINUTES set the figures;
# LENTERA_PROXY_COUNT, the reverse proxies in front of Lentera, lets it read the
# visitor's address from X-Forwarded-For.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LENTERA_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LENTERA_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "office/locked_out.html"
AXES_VERBOSE = False
# The visitor's address (accounts.services.client_address): the socket's, or with
# LENTERA_PROXY_COUNT reverse proxies in front, the address the outermost proxy saw,
# read from the right of X-Forwarded-For (what the visitor sent stays to its left).
LENTERA_PROXY_COUNT = int(os.environ.get("LENTERA_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "lentera.accounts.services.client_address"

# Two-factor login (django-otp, TOTP apps and recovery codes). LENTERA_2FA: "roles"
# requires it of superusers, approvers and body administrators (others may turn it on
# under Akun); "all" of everyone; "optional" of nobody (the demo).
LENTERA_2FA = os.environ.get("LENTERA_2FA", "roles")
if LENTERA_2FA not in ("roles", "all", "optional"):
    raise ImproperlyConfigured("LENTERA_2FA must be roles, all or optional.")
OTP_TOTP_ISSUER = os.environ.get("LENTERA_2FA_ISSUER", "Lentera")
# The admin never shows a device's key or QR code: nobody may copy a second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGIN_URL = "office:login"
LOGIN_REDIRECT_URL = "office:my-work"
LOGOUT_REDIRECT_URL = "portal:home"

# Indonesian by default, English complete.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
# LENTERA_TIME_ZONE: Asia/Jakarta (WIB) unless the body sits in WITA or WIT.
TIME_ZONE = os.environ.get("LENTERA_TIME_ZONE", "Asia/Jakarta")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even when empty
# Serve straight from the installed packages: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Files are never served from a public media URL: every download goes through
# a view that checks who asks. LENTERA_FILES_DIR overrides where they live.
FILES_DIR = Path(os.environ.get("LENTERA_FILES_DIR", DATA_DIR / "files")).resolve()
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": FILES_DIR, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# LENTERA_STORAGE=s3 keeps soft copies in S3-compatible object storage instead
# (django-storages), configured by the LENTERA_S3_* variables below.
if os.environ.get("LENTERA_STORAGE", "files") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("LENTERA_S3_BUCKET", "lentera"),
            "endpoint_url": os.environ.get("LENTERA_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("LENTERA_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("LENTERA_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("LENTERA_S3_REGION") or None,
            "location": os.environ.get("LENTERA_S3_PREFIX", ""),
            "default_acl": None,  # private objects: downloads go through Lentera
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_PERMISSIONS = 0o640
# Uploads stream to a temporary file (LENTERA_UPLOAD_TEMP_DIR, default the
# system's) while their SHA-256 is computed; nothing is held whole in memory.
FILE_UPLOAD_TEMP_DIR = os.environ.get("LENTERA_UPLOAD_TEMP_DIR") or None
FILE_UPLOAD_HANDLERS = ["lentera.documents.uploads.HashingUploadHandler"]
# LENTERA_MAX_UPLOAD_MB: largest file accepted (default 200 MB).
LENTERA_MAX_UPLOAD_BYTES = int(os.environ.get("LENTERA_MAX_UPLOAD_MB", "200")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Archives of files uploaded with a DIP sheet in the office, kept until it is saved.
IMPORT_PENDING_DIR = DATA_DIR / "import-pending"
# A file chosen on a form shown again after an error, kept so it need not be chosen again.
KEPT_UPLOADS_DIR = DATA_DIR / "kept-uploads"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

PAGE_CACHE_MB = max(0, int(os.environ.get("LENTERA_PAGE_CACHE_MB", "64")))
# "default": counters (failed API tokens, export builds) per server process.
# "exports": built PDF and XLSX exports of the public register, on disk, keyed on the
# register's state (register.selectors.register_state), so memory stays flat.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Public pages, kept per register state (register.page_cache), in each process:
    # answers of at most 256 KB, LENTERA_PAGE_CACHE_MB in all (0: none kept).
    "pages": {
        "BACKEND": "lentera.register.page_cache.KeptPages"
        if PAGE_CACHE_MB
        else "django.core.cache.backends.dummy.DummyCache",
        "LOCATION": "pages",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_BYTES": PAGE_CACHE_MB * 1024 * 1024},
    },
    "exports": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": DATA_DIR / "cache" / "exports",
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}

# Mail. LENTERA_EMAIL_HOST set: sent over SMTP; otherwise written as files under
# <data dir>/mail (the demo's mails land there).
EMAIL_HOST = os.environ.get("LENTERA_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("LENTERA_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("LENTERA_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("LENTERA_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("LENTERA_EMAIL_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("LENTERA_EMAIL_SSL", default=EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("LENTERA_EMAIL_FROM", "Lentera <lentera@localhost>")
# LENTERA_BASE_URL: the site's public address (https://ppid.example.go.id). When set,
# every absolute link Lentera writes uses it (core.middleware.BaseUrlMiddleware), and
# mails too. LENTERA_SITE_URL, the older name, sets only the address in mails.
LENTERA_BASE_URL = os.environ.get("LENTERA_BASE_URL", "").rstrip("/")
if LENTERA_BASE_URL and not LENTERA_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("LENTERA_BASE_URL must start with http:// or https://.")
LENTERA_SITE_URL = (
    os.environ.get("LENTERA_SITE_URL") or LENTERA_BASE_URL or "http://127.0.0.1:8000"
).rstrip("/")
# A reminder goes out this long before a step is due (in working hours of the office).
LENTERA_REMINDER_HOURS = int(os.environ.get("LENTERA_REMINDER_HOURS", "4"))
# `lentera serve` (waitress): serving processes (one per core: Python runs one thread
# at a time in each); request threads and open connections accepted per process (idle
# keep-alive ones included: past the limit it stops accepting, officers too); seconds
# an idle connection is kept.
LENTERA_PROCESSES = int(os.environ.get("LENTERA_PROCESSES", "1"))
LENTERA_THREADS = int(os.environ.get("LENTERA_THREADS", "8"))
LENTERA_CONNECTION_LIMIT = int(os.environ.get("LENTERA_CONNECTION_LIMIT", "1000"))
LENTERA_CHANNEL_TIMEOUT = int(os.environ.get("LENTERA_CHANNEL_TIMEOUT", "60"))
# `lentera serve` (with its worker) runs `lentera deadlines run` this often; 0 turns it off
# (then run it from cron or a systemd timer).
LENTERA_DEADLINES_INTERVAL_MINUTES = int(os.environ.get("LENTERA_DEADLINES_INTERVAL_MINUTES", "15"))

# Text extraction runs each file in a child process with these limits, so a
# hostile or broken file cannot hang or crash the worker.
LENTERA_EXTRACT_TIMEOUT = int(os.environ.get("LENTERA_EXTRACT_TIMEOUT", "300"))  # seconds
LENTERA_EXTRACT_MEMORY_MB = int(os.environ.get("LENTERA_EXTRACT_MEMORY_MB", "1024"))
# Longest DIP PDF the worker lays out (about 2 GB of memory and 3 to 7 minutes at 10,000).
LENTERA_PDF_MAX_ROWS = int(os.environ.get("LENTERA_PDF_MAX_ROWS", "10000"))
# LENTERA_OCR=off turns OCR off; LENTERA_OCR_LANGUAGES are Tesseract's codes.
LENTERA_OCR = os.environ.get("LENTERA_OCR", "on") != "off"
LENTERA_OCR_LANGUAGES = os.environ.get("LENTERA_OCR_LANGUAGES", "ind+eng")

# LENTERA_SESSION_IDLE_MINUTES: a signed-in session ends after this long without a
# request (each request renews it).
SESSION_COOKIE_AGE = int(os.environ.get("LENTERA_SESSION_IDLE_MINUTES", "60")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LENTERA_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS. LENTERA_HTTPS_REDIRECT sends plain HTTP to HTTPS; LENTERA_HSTS_SECONDS tells
# browsers to use only HTTPS for that long (with LENTERA_HSTS_PRELOAD, the domain may be
# submitted to the browsers' preload list). Behind a TLS proxy (LENTERA_PROXY_COUNT)
# the proxy's X-Forwarded-Proto says whether the visitor's request was HTTPS.
SECURE_SSL_REDIRECT = env_bool("LENTERA_HTTPS_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("LENTERA_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("LENTERA_HSTS_PRELOAD")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe speaks plain HTTP
if LENTERA_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The host the visitor asked for, where the proxy names it; checked against
    # LENTERA_ALLOWED_HOSTS like Host.
    USE_X_FORWARDED_HOST = True
# No inline script or style anywhere: every page's code and styles are static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The level first, so that a journal or a log file can be searched by it.
    "formatters": {"level": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "level"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LENTERA_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
