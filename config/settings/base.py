"""Settings shared by every environment.

Environment variables (all optional in development):
  DATABASE_URL      PostgreSQL (or other) database; default: SQLite file under the data dir
  ERP_DATA_DIR      where the SQLite database, job queue, uploads and backups live (default ./var)
  ERP_INSTANCE      instance name (e.g. "test"); a non-production instance shows a banner
  REDIS_URL         job queue on Redis instead of the embedded SQLite queue
  ERP_SECRET_KEY    secret key (required in production)
  ERP_ALLOWED_HOSTS comma-separated host names (production)
  ERP_API_TOKEN_DAYS how many days a new API token works (default 90)
  ERP_DAILY_REPORT_TO e-mail addresses (comma-separated) of the 06:30 daily operations report
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
ERP_INSTANCE = os.environ.get("ERP_INSTANCE", "default")
DATA_DIR = Path(os.environ.get("ERP_DATA_DIR", BASE_DIR / "var")).resolve()
if os.environ.get("ERP_INSTANCE") and "ERP_DATA_DIR" not in os.environ:
    DATA_DIR = (BASE_DIR / "var" / os.environ["ERP_INSTANCE"]).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
ERP_TEST_INSTANCE = ERP_INSTANCE not in ("default", "production")


def _guard_instance_data_dir() -> None:
    """A data directory remembers which instance created it. A test instance refuses to start
    on a production data directory (e.g. ERP_DATA_DIR still exported from production), which
    would otherwise serve production's books under a test banner."""
    from django.core.exceptions import ImproperlyConfigured

    marker = DATA_DIR / "INSTANCE"
    if not marker.exists():
        marker.write_text(ERP_INSTANCE + "\n", encoding="utf-8")
        return
    owner = marker.read_text(encoding="utf-8").strip()
    if ERP_TEST_INSTANCE and owner in ("default", "production"):
        raise ImproperlyConfigured(
            f"ERP_INSTANCE={ERP_INSTANCE} points at the production data directory {DATA_DIR}. "
            "Unset ERP_DATA_DIR or point it at the test instance's own directory. "
            f"测试实例不能使用生产数据目录 {DATA_DIR}："
            "请取消 ERP_DATA_DIR 或指向测试实例自己的目录。"
        )


_guard_instance_data_dir()

# Without ERP_SECRET_KEY: the public development key (erp/core/dev_guard.py keeps a site using
# it on loopback; production settings refuse it).
SECRET_KEY = os.environ.get("ERP_SECRET_KEY", "django-insecure-dev-only-key-change-me")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "django_htmx",
    "django_filters",
    "huey.contrib.djhuey",
    "erp.core",
    # Print templates right after core: every document's print page asks its printer.
    "erp.printing",
    "erp.iam",
    "erp.masterdata",
    "erp.golive",
    "erp.inventory",
    "erp.ops",
    "erp.accounting",
    "erp.approvals",
    # Business modules after the ledgers and approvals they post through (docs/adding-a-module.md).
    "erp.purchasing",
    "erp.production",
    "erp.quality",
    "erp.sales",
    # Modules that read what the business modules write.
    "erp.trace",
    "erp.mrp",
    "erp.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "erp.iam.middleware.UserLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "erp.iam.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "erp.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "erp.core.context_processors.shell",
                "erp.approvals.context_processors.approvals_pending_count",
                "erp.ops.context_processors.ops_banner",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        db = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        db["ATOMIC_REQUESTS"] = False
        return db
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "erp.sqlite3",
        "OPTIONS": SQLITE_OPTIONS,
    }


# WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so two
# writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 25,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=25000;"
    ),
}

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "iam.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "iam:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "iam:login"

# Lock an account (per user name and address) after 5 wrong passwords for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "iam/locked_out.html"
# Records the refused attempt as an audit event, then renders the template above.
AXES_LOCKOUT_CALLABLE = "erp.iam.views.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Each instance has its own cookies, so logging into the test instance on the same host does
# not log the user out of production.
SESSION_COOKIE_NAME = "sessionid" if not ERP_TEST_INSTANCE else f"sessionid_{ERP_INSTANCE}"
CSRF_COOKIE_NAME = "csrftoken" if not ERP_TEST_INSTANCE else f"csrftoken_{ERP_INSTANCE}"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (django-csp). Scripts only from our own files: the
# vendored htmx, Bootstrap and ECharts and static/erp/*.js; no inline script, no event-handler
# attributes (behaviour is declared with data-* attributes, see static/erp/erp.js), no eval.
# Styles allow 'unsafe-inline': templates use style="" attributes and <style> blocks, htmx adds
# its indicator style, and CSS cannot run script. img-src allows data: (Bootstrap's icons are
# data: SVGs in its CSS). Nothing may frame the site (as X-Frame-Options: DENY).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024


def _huey() -> dict:
    if os.environ.get("REDIS_URL"):
        return {
            "huey_class": "huey.RedisHuey",
            "name": f"erp-{ERP_INSTANCE}",
            "url": os.environ["REDIS_URL"],
            "immediate": False,
            "consumer": {"workers": 2, "worker_type": "thread"},
        }
    return {
        "huey_class": "huey.SqliteHuey",
        "name": f"erp-{ERP_INSTANCE}",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }


HUEY = _huey()

NINJA_PAGINATION_PER_PAGE = 50


def _api_token_days() -> int:
    from django.core.exceptions import ImproperlyConfigured

    raw = os.environ.get("ERP_API_TOKEN_DAYS", "90")
    if not raw.isdigit() or not 1 <= int(raw) <= 3660:
        raise ImproperlyConfigured(
            f"ERP_API_TOKEN_DAYS={raw!r}: give a whole number of days from 1 to 3660. "
            f"ERP_API_TOKEN_DAYS={raw!r}：请填写 1 到 3660 之间的整数天数。"
        )
    return int(raw)


# A new API token works this many days; it also dies when its owner's password changes.
ERP_API_TOKEN_DAYS = _api_token_days()
# The daily operations report (erp/reports/daily.py): nobody is mailed when empty.
ERP_DAILY_REPORT_TO = os.environ.get("ERP_DAILY_REPORT_TO", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "erp": {"level": "INFO"},
        # `erp worker` gives huey its own handler; without this every line printed twice.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

ERP_VERBOSE_NAME = _("ERP")
