"""The `erp` commands: demo, setup, and run-all serving for real."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import types
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from erp.core import demo as demo_module
from erp.core.demo import DEMO_PASSWORD
from erp.core.management.commands._static import collectstatic_if_stale
from erp.core.models import AuditEvent, Company
from erp.iam.models import Role, User
from erp.iam.services.roles import load_role_specs

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def static_root(settings, tmp_path):
    # Plain copies: compressing the vendored assets takes half a minute and is whitenoise's job.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return settings.STATIC_ROOT


def test_collectstatic_runs_only_when_sources_changed(settings, static_root, tmp_path):
    source = tmp_path / "src"
    (source / "erp").mkdir(parents=True)
    (source / "erp" / "app.css").write_text("body { color: red; }")
    settings.STATICFILES_DIRS = [source]
    assert collectstatic_if_stale() is True
    assert (static_root / "erp" / "app.css").read_text() == "body { color: red; }"
    assert collectstatic_if_stale() is False
    (source / "erp" / "app.css").write_text("body { color: blue; }")
    # collectstatic compares whole seconds; an edit is seldom within the second of a collect.
    later = time.time() + 5
    os.utime(source / "erp" / "app.css", (later, later))
    assert collectstatic_if_stale() is True
    assert (static_root / "erp" / "app.css").read_text() == "body { color: blue; }"


def test_demo_loads_a_company_and_one_user_per_role(db):
    out = StringIO()
    call_command("demo", stdout=out)
    company = Company.objects.get()
    assert company.is_demo and company.name == "华东新材料科技有限公司"
    assert len(company.uscc) == 18
    codes = [spec.code for spec in load_role_specs()]
    for code in codes:
        user = User.objects.get(username=code)
        assert user.check_password(DEMO_PASSWORD)
        assert user.full_name
        assert user.groups.filter(role__code=code).exists()
        assert f"  {code} " in out.getvalue()
    assert User.objects.count() == len(codes)
    assert User.objects.get(username="warehouse").has_perm("iam.view_user") is False
    assert AuditEvent.objects.filter(object_type="iam.user").count() == len(codes)


def test_demo_twice_changes_nothing(db):
    call_command("demo", stdout=StringIO())
    counts = (User.objects.count(), Company.objects.count(), AuditEvent.objects.count())
    out = StringIO()
    call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (User.objects.count(), Company.objects.count(), AuditEvent.objects.count()) == counts


def test_demo_refuses_a_real_company(db):
    Company.objects.create(pk=1, name="真实公司", is_demo=False)
    with pytest.raises(CommandError) as excinfo:
        call_command("demo", stdout=StringIO())
    message = str(excinfo.value)
    assert "holds a real company" in message
    assert "真实" not in message or "演示" in message
    assert User.objects.count() == 0


def test_demo_refuses_real_users(db):
    User.objects.create_user(username="zhangwei", password="x-Secret-123")
    with pytest.raises(CommandError, match="zhangwei"):
        call_command("demo", stdout=StringIO())
    assert not Company.objects.exists()


def test_demo_refusal_exits_non_zero_with_bilingual_message(db):
    Company.objects.create(pk=1, name="真实公司")
    with pytest.raises(CommandError) as excinfo:
        call_command("demo", stdout=StringIO())
    lines = str(excinfo.value).splitlines()
    assert any("ERP_DATA_DIR" in line and "演示" in line for line in lines), lines
    assert any("The demo is only loaded" in line for line in lines), lines


def test_demo_calls_each_apps_load_demo_in_app_order_with_the_demo_admin(db, monkeypatch):
    calls = []
    configs = []
    for name in ("erp.alpha", "erp.nodemo", "erp.beta"):
        configs.append(types.SimpleNamespace(name=name))
        package = types.ModuleType(name)
        package.__path__ = []  # an app package without a demo module
        monkeypatch.setitem(sys.modules, name, package)
        if name != "erp.nodemo":
            module = types.ModuleType(f"{name}.demo")
            module.load_demo = lambda *, actor, app=name: calls.append((app, actor.username))
            monkeypatch.setitem(sys.modules, f"{name}.demo", module)
    monkeypatch.setattr(demo_module.apps, "get_app_configs", lambda: configs)
    call_command("demo", stdout=StringIO())
    assert calls == [("erp.alpha", "admin"), ("erp.beta", "admin")]


def test_setup_loads_the_demo_only_into_an_empty_database(db):
    call_command("setup", stdout=StringIO())
    assert Company.objects.filter(is_demo=True).exists()
    assert Role.objects.count() == len(load_role_specs())
    users = User.objects.count()
    out = StringIO()
    call_command("setup", stdout=out)
    assert User.objects.count() == users
    assert "Demo company loaded" not in out.getvalue()


def test_setup_leaves_a_real_database_alone(db):
    User.objects.create_user(username="zhangwei", password="x-Secret-123")
    call_command("setup", stdout=StringIO())
    assert not Company.objects.exists()
    assert Role.objects.count() == len(load_role_specs())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_all_serves_the_login_page_runs_queued_jobs_and_stops_on_sigterm(tmp_path):
    """The whole `make run` path in subprocesses: a migrated demo database, a job queued while
    no worker runs, then `erp run-all`: the Chinese login page is served, the `erp worker`
    child consumes the job, and SIGTERM stops both children."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", ERP_DATA_DIR=str(tmp_path))
    run = {"cwd": ROOT, "env": env, "check": True, "timeout": 180, "capture_output": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    prepare = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('demo'); from erp.core.tasks import system_ping; system_ping('e2e')"
    )
    subprocess.run([sys.executable, "-c", prepare], **run)
    assert _pings(tmp_path) == []
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "erp.cli", "run-all", f"--port={port}", "--no-collectstatic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        page = _get(f"http://127.0.0.1:{port}/iam/login/", deadline)
        assert "登录" in page
        while not _pings(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert _pings(tmp_path) == [(1, "pong e2e")], output
    assert f"http://127.0.0.1:{port}/" in output
    assert "warehouse" in output and DEMO_PASSWORD in output
    assert proc.returncode == 0, output
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def _pings(data_dir: Path) -> list[tuple]:
    with sqlite3.connect(data_dir / "erp.sqlite3") as conn:
        return conn.execute(
            "SELECT ok, message FROM core_jobrun WHERE task = 'system_ping'"
        ).fetchall()


def _get(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
