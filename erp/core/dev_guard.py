"""Keep the public development secret key on this machine.

Development settings (`config.settings.dev`, the default of the `erp` command) fall back to a
secret key that is printed in the source code. Anyone who knows it can forge what Django signs
(password-reset links, signed cookies and values), so a server using it must answer only the
machine it runs on:

- `erp serve` / `erp run-all` refuse to listen on anything but a loopback address;
- this middleware (added by the dev settings while the public key is in use) refuses every
  request whose peer is not a loopback address, also when a server was started by hand on
  0.0.0.0 with a forged `Host: localhost` header.

A real site sets ERP_SECRET_KEY and uses `config.settings.production` (config/wsgi.py's
default), which refuses to start with this key at all. See docs/operations.md ("Settings")."""

import ipaddress

from django.conf import settings

PUBLIC_DEV_SECRET_KEY = "django-insecure-dev-only-key-change-me"  # public on purpose

REFUSED_PAGE = (
    "This server uses the public development secret key and answers only the machine it runs "
    "on. To serve other computers set ERP_SECRET_KEY and ERP_ALLOWED_HOSTS and use "
    "config.settings.production (see docs/operations.md).\n"
    "此服务器使用公开的开发密钥，只接受本机访问。如需向其他电脑提供服务，请设置 ERP_SECRET_KEY "
    "和 ERP_ALLOWED_HOSTS，并使用 config.settings.production（见 docs/operations.md）。\n"
)


def uses_public_dev_key() -> bool:
    return settings.SECRET_KEY == PUBLIC_DEV_SECRET_KEY


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 (also IPv4-mapped) and the name localhost."""
    host = host.strip().strip("[]")
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def require_loopback_bind(bind: str) -> None:
    """Refuse to listen on `bind` ("host:port") off this machine with the public key."""
    from django.core.management.base import CommandError

    host = bind.rsplit(":", 1)[0]
    if uses_public_dev_key() and not is_loopback(host):
        raise CommandError(
            f"Refusing to listen on {bind}: the development settings use the public secret key, "
            "which is safe only on 127.0.0.1. Listen on 127.0.0.1, or set ERP_SECRET_KEY and "
            "ERP_ALLOWED_HOSTS and DJANGO_SETTINGS_MODULE=config.settings.production.\n"
            f"拒绝监听 {bind}：开发配置使用公开的密钥，只能在 127.0.0.1 上运行。请改为监听 "
            "127.0.0.1，或设置 ERP_SECRET_KEY、ERP_ALLOWED_HOSTS 并使用 "
            "DJANGO_SETTINGS_MODULE=config.settings.production。"
        )


class PublicDevKeyLoopbackOnlyMiddleware:
    """403 for any peer that is not this machine while the public development key is in use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseForbidden

        if uses_public_dev_key() and not is_loopback(request.META.get("REMOTE_ADDR", "")):
            return HttpResponseForbidden(REFUSED_PAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
