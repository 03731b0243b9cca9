"""Production: refuses to start with DEBUG on or without a real secret key."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

_WEAK_KEYS = {"", "django-insecure-dev-only-key-change-me", "changeme", "secret"}

SECRET_KEY = os.environ.get("ERP_SECRET_KEY", "")
if SECRET_KEY in _WEAK_KEYS or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "ERP_SECRET_KEY must be set to a random value of at least 50 characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))'). "
        "生产环境必须设置至少 50 个字符的随机 ERP_SECRET_KEY。"
    )
if os.environ.get("ERP_DEBUG", "0") not in ("", "0"):
    raise ImproperlyConfigured(
        "DEBUG must be off in production: unset ERP_DEBUG. "
        "生产环境不能开启 DEBUG，请取消 ERP_DEBUG。"
    )
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ERP_ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ERP_ALLOWED_HOSTS must list the host names the site is served on. "
        "请在 ERP_ALLOWED_HOSTS 中填写站点域名。"
    )
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]

SECURE_SSL_REDIRECT = os.environ.get("ERP_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("ERP_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
