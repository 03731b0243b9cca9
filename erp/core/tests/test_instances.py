"""Test and production instances side by side: own data directory, own cookies, and a test
instance can never be started on production's data directory."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATA_DIR, settings.SESSION_COOKIE_NAME, settings.ERP_TEST_INSTANCE)"
)


def _run(tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("ERP_")}
    full.pop("DATABASE_URL", None)
    full.update(DJANGO_SETTINGS_MODULE="config.settings.dev", **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_test_instance_refuses_production_data_dir(tmp_path):
    prod = tmp_path / "prod"
    first = _run(tmp_path, ERP_DATA_DIR=str(prod))
    assert first.returncode == 0, first.stderr
    assert (prod / "INSTANCE").read_text().strip() == "default"
    assert "sessionid False" in first.stdout

    refused = _run(tmp_path, ERP_DATA_DIR=str(prod), ERP_INSTANCE="test")
    assert refused.returncode != 0
    assert "测试实例不能使用生产数据目录" in refused.stderr
    assert "Unset ERP_DATA_DIR" in refused.stderr


def test_test_instance_has_its_own_dir_and_cookies(tmp_path):
    own = tmp_path / "test-data"
    ok = _run(tmp_path, ERP_DATA_DIR=str(own), ERP_INSTANCE="test")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split() == [str(own.resolve()), "sessionid_test", "True"]
