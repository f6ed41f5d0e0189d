"""Django settings, 12-factor style: everything that differs between machines comes from the environment.

DATABASE_URL selects the database (default: an SQLite file under XIETONG_DATA_DIR).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from xietong.web.csp import plotly_style_hashes

BASE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Per-user data directory (XDG style) unless XIETONG_DATA_DIR says otherwise."""
    explicit = os.environ.get("XIETONG_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "xietong"


DATA_DIR = data_dir()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("DEBUG", False)
# `xietong demo` sets XIETONG_DEMO=1 before it loads these settings; pytest sets PYTEST_VERSION.
DEMO = _env_bool("XIETONG_DEMO", False)
TESTING = bool(os.environ.get("PYTEST_VERSION"))


def _local_secret_key(path: Path) -> str:
    """The random key of a demo or development data directory, made on first use (mode 0600)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(50) + "\n")
    return path.read_text(encoding="ascii").strip()


def _secret_key() -> tuple[str, str]:
    """(key, where it came from). Production sets SECRET_KEY; the demo and DEBUG runs keep a
    random key in the data directory; a test run gets a throwaway one. There is no fixed key."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key, "environment"
    path = DATA_DIR / "secret_key"
    if DEMO or DEBUG or path.is_file():
        return _local_secret_key(path), "data-dir"
    if TESTING:
        return secrets.token_urlsafe(50), "tests"
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it in the environment to a long random string, e.g. "
        "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'); "
        "for a local copy run `xietong demo`, or set DEBUG=1."
    )


SECRET_KEY, SECRET_KEY_SOURCE = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# Served over HTTPS (XIETONG_HTTPS=1): cookies only over HTTPS, HSTS, plain HTTP redirected.
# XIETONG_PROXY_COUNT=N: N reverse proxies in front; trust their X-Forwarded-Proto and take the
# client's address from X-Forwarded-For (login throttling counts per address).
HTTPS = _env_bool("XIETONG_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = _env_bool("XIETONG_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("XIETONG_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("XIETONG_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = _env_bool("XIETONG_HSTS_PRELOAD", HTTPS)
XIETONG_PROXY_COUNT = int(os.environ.get("XIETONG_PROXY_COUNT", "0"))
if XIETONG_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "ninja",  # Swagger UI from our own static files (no CDN, no inline script)
    "xietong.web",
    "xietong.audit",
    "xietong.regions",
    "xietong.accounts",
    "xietong.schools",
    "xietong.evaluation",
    "xietong.talent",
    "xietong.finance",
    "xietong.consultation",
    "xietong.resources",
    "xietong.planning",
    "xietong.partnerships",
    "xietong.jobs",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xietong.urls"
WSGI_APPLICATION = "xietong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xietong.web.context.navigation",
            ],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'xietong.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db),
        # a connection lives on in its thread: fine for gunicorn's fixed worker threads, a leak
        # for a server that starts a thread per request (the demo's runserver sets 0)
        conn_max_age=int(os.environ.get("XIETONG_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("XIETONG_PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes), on the site's and the admin's login alike: after
# XIETONG_LOGIN_FAILURE_LIMIT wrong passwords for one user name from one address, that pair is
# refused for XIETONG_LOGIN_COOLOFF_MINUTES (each further try restarts the wait). Other users,
# and the same user from another address, are not affected, so nobody can lock an office out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("XIETONG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("XIETONG_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "xietong.accounts.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "xietong.accounts.throttle.client_ip"

# Content-Security-Policy: scripts only from this server, never inline or eval (charts read their
# figures from <script type="application/json"> blocks). Styles only from this server too, plus
# the two inline <style> elements plotly.js makes itself, allowed by their hashes: an empty one
# it fills through the CSSOM, and its map stylesheet. See docs/operations.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, *plotly_style_hashes()],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# zh-Hans numbers grouped by thousands with a comma (xietong/formats/zh_Hans/formats.py)
FORMAT_MODULE_PATH = ["xietong.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Production: set XIETONG_STATIC_ROOT and run `xietong manage collectstatic`; the demo serves
# static files straight from the apps through WhiteNoise's finders.
STATIC_ROOT = os.environ.get("XIETONG_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return type(default)(value) if value else default


# Bounds on imported files (xietong.tabular): an upload past XIETONG_UPLOAD_MAX_BYTES is answered
# with 413 and never stored; an XLSX is refused before parsing when it unpacks past the bounds;
# reading stops at the row/column/cell bounds and after XIETONG_IMPORT_MAX_SECONDS.
XIETONG_UPLOAD_MAX_BYTES = int(_env_number("XIETONG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
XIETONG_UPLOAD_MAX_UNPACKED_BYTES = int(
    _env_number("XIETONG_UPLOAD_MAX_UNPACKED_BYTES", 256 * 1024 * 1024)
)
XIETONG_UPLOAD_MAX_SHARED_STRINGS_BYTES = int(
    _env_number("XIETONG_UPLOAD_MAX_SHARED_STRINGS_BYTES", 16 * 1024 * 1024)
)
XIETONG_UPLOAD_MAX_RATIO = int(_env_number("XIETONG_UPLOAD_MAX_RATIO", 100))
XIETONG_IMPORT_MAX_ROWS = int(_env_number("XIETONG_IMPORT_MAX_ROWS", 1_000_000))
XIETONG_IMPORT_MAX_COLUMNS = int(_env_number("XIETONG_IMPORT_MAX_COLUMNS", 1000))
XIETONG_IMPORT_MAX_CELL_CHARS = int(_env_number("XIETONG_IMPORT_MAX_CELL_CHARS", 32_767))
XIETONG_IMPORT_MAX_SECONDS = _env_number("XIETONG_IMPORT_MAX_SECONDS", 60.0)
# Bounds on a boundary file (`xietong load-boundaries`, xietong.regions.boundaries): refused
# unread past the bytes; the features and positions bound what parsing it may cost.
XIETONG_BOUNDARY_MAX_BYTES = int(_env_number("XIETONG_BOUNDARY_MAX_BYTES", 50 * 1024 * 1024))
XIETONG_BOUNDARY_MAX_FEATURES = int(_env_number("XIETONG_BOUNDARY_MAX_FEATURES", 10_000))
XIETONG_BOUNDARY_MAX_POINTS = int(_env_number("XIETONG_BOUNDARY_MAX_POINTS", 5_000_000))
FILE_UPLOAD_HANDLERS = [
    "xietong.tabular.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
XIETONG_AUDIT_TRIGGERS = _env_bool("XIETONG_AUDIT_TRIGGERS", True)
# largest page any list endpoint of the API returns (?limit=); offsets stop at 10**9
XIETONG_API_MAX_PAGE_SIZE = int(os.environ.get("XIETONG_API_MAX_PAGE_SIZE", "1000"))
NINJA_PAGINATION_CLASS = "xietong.api_support.LimitOffset"  # for a bare @paginate
NINJA_PAGINATION_MAX_LIMIT = XIETONG_API_MAX_PAGE_SIZE  # bounds ninja's own class too
# Ed25519 key that signs audit checkpoints: PEM or base64 seed here, else the key file (made on
# first use); ORIGIN names this log in every checkpoint
XIETONG_AUDIT_SIGNING_KEY = os.environ.get("XIETONG_AUDIT_SIGNING_KEY", "")
XIETONG_AUDIT_KEY_FILE = os.environ.get(
    "XIETONG_AUDIT_KEY_FILE", str(DATA_DIR / "audit-signing-key.pem")
)
XIETONG_AUDIT_ORIGIN = os.environ.get("XIETONG_AUDIT_ORIGIN", "xietong")
XIETONG_AUDIT_TRUSTED_KEYS = os.environ.get("XIETONG_AUDIT_TRUSTED_KEYS", "")  # earlier keys
# released aggregates over fewer schools than this are withheld from those outside the
# jurisdiction (a cell of one or two schools would show those schools' own figures)
XIETONG_PUBLIC_MIN_SCHOOLS = int(os.environ.get("XIETONG_PUBLIC_MIN_SCHOOLS", "3"))

# What pages compute from the statistics is cached under the statistics version
# (schools.selectors.statistics_cached; docs/performance.md): in each process's memory by
# default, or in Redis at XIETONG_CACHE_URL (e.g. redis://127.0.0.1:6379/1), shared by every
# web process, so each page part is computed once per version for all of them.
XIETONG_CACHE_URL = os.environ.get("XIETONG_CACHE_URL", "").strip()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": XIETONG_CACHE_URL}
        if XIETONG_CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    )
}

# Background jobs (xietong.jobs; docs/deployment.md). Django's tasks API through the django-tasks
# backport: the database backend by default (the jobs' queue is a table of the same database:
# nothing more to run than `xietong worker`), or XIETONG_TASKS_BACKEND=redis for an RQ queue in
# Redis at XIETONG_REDIS_URL, when workers run on several machines.
XIETONG_TASKS_BACKEND = os.environ.get("XIETONG_TASKS_BACKEND", "database").strip().lower()
XIETONG_REDIS_URL = os.environ.get("XIETONG_REDIS_URL", "redis://127.0.0.1:6379/0")
if XIETONG_TASKS_BACKEND not in {"database", "redis"}:
    raise ImproperlyConfigured(
        f"XIETONG_TASKS_BACKEND is {XIETONG_TASKS_BACKEND!r}; it is 'database' or 'redis'."
    )
if XIETONG_TASKS_BACKEND == "redis":
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# RQ's own timeout of one job (seconds): longer than any job we run; the heartbeat finds dead ones
RQ_QUEUES = {"default": {"URL": XIETONG_REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600}}
# a running job's worker writes its heartbeat every XIETONG_JOB_HEARTBEAT_SECONDS; one silent for
# XIETONG_JOB_STALE_SECONDS lost its worker and is re-queued, or failed after
# XIETONG_JOB_MAX_ATTEMPTS attempts
XIETONG_JOB_HEARTBEAT_SECONDS = _env_number("XIETONG_JOB_HEARTBEAT_SECONDS", 2.0)
XIETONG_JOB_STALE_SECONDS = _env_number("XIETONG_JOB_STALE_SECONDS", 60.0)
XIETONG_JOB_MAX_ATTEMPTS = int(_env_number("XIETONG_JOB_MAX_ATTEMPTS", 3))
# imports (statistics, teachers, posts) of files larger than XIETONG_IMPORT_JOB_BYTES run as jobs;
# exports of more than XIETONG_EXPORT_JOB_ROWS rows are made by a job, whose file waits under
# XIETONG_DATA_DIR/jobs for XIETONG_JOB_FILE_RETENTION_HOURS, then is deleted (docs/deployment.md)
XIETONG_IMPORT_JOB_BYTES = int(_env_number("XIETONG_IMPORT_JOB_BYTES", 512 * 1024))
XIETONG_EXPORT_JOB_ROWS = int(_env_number("XIETONG_EXPORT_JOB_ROWS", 20_000))
XIETONG_JOB_FILE_RETENTION_HOURS = _env_number("XIETONG_JOB_FILE_RETENTION_HOURS", 24.0)

# OAI-PMH provider at /oai (docs/resources.md): records per list response, how long a
# resumption token lasts, the repository identifier in oai:<id>:<uuid> (default: the host
# name asked for), the administrator's address Identify gives
XIETONG_OAI_PAGE_SIZE = int(_env_number("XIETONG_OAI_PAGE_SIZE", 100))
XIETONG_OAI_TOKEN_HOURS = _env_number("XIETONG_OAI_TOKEN_HOURS", 24.0)
XIETONG_OAI_REPOSITORY_ID = os.environ.get("XIETONG_OAI_REPOSITORY_ID", "")
XIETONG_OAI_ADMIN_EMAIL = os.environ.get("XIETONG_OAI_ADMIN_EMAIL", "")

# Office documents previewed as PDF (resources/previews.py): the LibreOffice program that converts
# them (unset: `soffice`, else `libreoffice`, found on PATH; empty: previews off) and how long one
# conversion may take before it is killed
XIETONG_OFFICE_CONVERTER = os.environ.get("XIETONG_OFFICE_CONVERTER")
XIETONG_OFFICE_CONVERTER_TIMEOUT = _env_number("XIETONG_OFFICE_CONVERTER_TIMEOUT", 120.0)
