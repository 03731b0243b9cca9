"""The public development secret key never serves another machine (issue 11 point 8).

Before: config/wsgi.py defaulted to the dev settings, whose secret key is printed in the
source, and `erp serve --host 0.0.0.0` served with it to anyone sending `Host: localhost`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from erp.core import dev_guard
from erp.core.dev_guard import PUBLIC_DEV_SECRET_KEY, is_loopback, require_loopback_bind

ROOT = Path(__file__).resolve().parents[3]
GUARD = "erp.core.dev_guard.PublicDevKeyLoopbackOnlyMiddleware"
REAL_KEY = "k" * 64


def _python(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run python with `args` as a fresh server process would: no ERP_*/DJANGO_* variables
    unless given."""
    skip = ("ERP_", "DJANGO_", "DATABASE_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    if len(args) == 1:
        args = ("-c", args[0])
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_wsgi_defaults_to_production_settings_and_refuses_the_public_key(tmp_path):
    """`gunicorn config.wsgi` started by hand, nothing configured: it must not start."""
    started = _python("import config.wsgi", ERP_DATA_DIR=str(tmp_path))
    assert started.returncode != 0
    assert "ERP_SECRET_KEY" in started.stderr and "ImproperlyConfigured" in started.stderr

    configured = _python(
        "import config.wsgi; from django.conf import settings; print(settings.SETTINGS_MODULE)",
        ERP_DATA_DIR=str(tmp_path),
        ERP_SECRET_KEY=REAL_KEY,
        ERP_ALLOWED_HOSTS="erp.example.com",
    )
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.strip() == "config.settings.production"


def test_erp_command_keeps_dev_settings_with_the_loopback_guard(tmp_path):
    """`make run` still needs no configuration; the guard is on while the key is public."""
    show = "from django.conf import settings as s; print(s.SETTINGS_MODULE, %r in s.MIDDLEWARE)"
    code = ("-m", "erp.cli", "shell", "--no-imports", "-c", show % GUARD)
    public = _python(*code, ERP_DATA_DIR=str(tmp_path))
    assert public.returncode == 0, public.stderr
    assert public.stdout.split() == ["config.settings.dev", "True"]
    own_key = _python(*code, ERP_DATA_DIR=str(tmp_path), ERP_SECRET_KEY=REAL_KEY)
    assert own_key.stdout.split() == ["config.settings.dev", "False"]


@pytest.mark.parametrize("command", ["serve", "run_all"])
@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "erp.example.com"])
def test_serve_refuses_to_listen_off_loopback_with_the_public_key(
    command, host, settings, monkeypatch
):
    settings.SECRET_KEY = PUBLIC_DEV_SECRET_KEY
    # The old code would replace this test process with gunicorn here.
    monkeypatch.setattr(os, "execv", lambda *a: pytest.fail("gunicorn started"))
    with pytest.raises(CommandError) as refused:
        call_command(command, host=host, port=8000, no_collectstatic=True)
    message = str(refused.value)
    assert "public secret key" in message and "公开的密钥" in message


def test_loopback_binds_pass_and_a_real_key_may_listen_anywhere(settings):
    settings.SECRET_KEY = PUBLIC_DEV_SECRET_KEY
    for bind in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "127.0.0.2:8123"):
        require_loopback_bind(bind)
    settings.SECRET_KEY = REAL_KEY
    require_loopback_bind("0.0.0.0:8000")


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.5", False),
        ("0.0.0.0", False),
        ("", False),
        ("::ffff:10.0.0.5", False),
    ],
)
def test_is_loopback(address, loopback):
    assert is_loopback(address) is loopback


@pytest.mark.django_db
def test_requests_from_other_machines_are_refused_with_the_public_key(settings):
    settings.SECRET_KEY = PUBLIC_DEV_SECRET_KEY
    settings.MIDDLEWARE = [GUARD, *settings.MIDDLEWARE]
    client = Client()
    assert client.get("/iam/login/", REMOTE_ADDR="127.0.0.1").status_code in (200, 302)
    # A forged Host header does not help: the peer address decides.
    refused = client.get("/iam/login/", REMOTE_ADDR="10.0.0.5", HTTP_HOST="localhost")
    assert refused.status_code == 403
    assert "ERP_SECRET_KEY" in refused.text and "只接受本机访问" in refused.text
    assert dev_guard.uses_public_dev_key()

    settings.SECRET_KEY = REAL_KEY  # an own key: the guard steps aside
    assert client.get("/iam/login/", REMOTE_ADDR="10.0.0.5").status_code in (200, 302)
