"""`erp clone-to-test` (issue 7): production's data lands in the test instance's own data
directory, the test instance shows its banner, and production is left as it was."""

import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from erp.core.errors import BusinessRuleError
from erp.inventory.models import StockBalance, StockMove
from erp.inventory.services import ReceiptLine, StockSource, stock_receive
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse
from erp.ops.database import database_row_counts, pg_connect, pg_settings
from erp.ops.services.clone import clone_to_test

sqlite_only = pytest.mark.sqlite_only  # the SQLite clone; the postgres test covers PostgreSQL
# Written by the backup itself (its record and audit event), so allowed to differ.
BACKUP_BOOKKEEPING = {"ops_backuprecord", "core_auditevent"}


def _plant(keeper) -> Material:
    """A small demo-ish plant: master data, a user, and two posted receipts."""
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="RM", name="原材料")
    wh = Warehouse.objects.create(code="WH1", name="原料仓")
    loc = Location.objects.create(warehouse=wh, code="A-01", name="A-01")
    resin = Material.objects.create(
        code="RM-RESIN",
        name="树脂",
        category=cat,
        inventory_type="raw",
        procurement="buy",
        base_unit=kg,
        batch_managed=True,
        shelf_life_days=365,
    )
    for n, qty in enumerate(("120.5", "79.5"), start=1):
        stock_receive(
            actor=keeper,
            lines=[
                ReceiptLine(
                    material_id=resin.pk,
                    location_id=loc.pk,
                    quantity=Decimal(qty),
                    unit_cost=Decimal("12.30"),
                    lot_number=f"L{n}",
                )
            ],
            posting_date=_today(),
            source=StockSource("test.opening", n),
        )
    return resin


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _rows(db_file: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db_file)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _instance_page(data_dir: Path, instance: str) -> dict:
    """The login page and settings as the test instance sees them, in its own process."""
    code = (
        "import django, json; django.setup()\n"
        "from django.conf import settings; from django.test import Client\n"
        "from django.urls import reverse\n"
        "r = Client().get(reverse('iam:login'))\n"
        "print(json.dumps({'status': r.status_code, 'html': r.content.decode(),\n"
        "  'db': str(settings.DATABASES['default']['NAME']), 'instance': settings.ERP_INSTANCE}))"
    )
    env = {
        **os.environ,
        "ERP_INSTANCE": instance,
        "ERP_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_clone_copies_production_into_the_test_instance(make_user, backup_dir, tmp_path):
    keeper = make_user("keeper", "warehouse", full_name="仓管员甲")
    resin = _plant(keeper)
    target = tmp_path / "var-test"
    before = database_row_counts()
    production_db = Path(connection.settings_dict["NAME"])

    out = _call_clone(target)

    assert "cloned" in out and str(target / "erp.sqlite3") in out
    assert f"ERP_INSTANCE=test ERP_DATA_DIR={target} erp serve" in out
    clone_db = target / "erp.sqlite3"
    assert clone_db.is_file() and clone_db.resolve() != production_db.resolve()
    # The clone holds production's rows, table by table.
    clone_counts = {t: _rows(clone_db, f'SELECT COUNT(*) FROM "{t}"')[0][0] for t in before}
    wrong = {t: (n, clone_counts[t]) for t, n in before.items() if clone_counts[t] != n}
    assert set(wrong) <= BACKUP_BOOKKEEPING, wrong
    assert before["inventory_stockmove"] == 2
    assert _rows(clone_db, "SELECT code, name FROM masterdata_material") == [("RM-RESIN", "树脂")]
    assert _rows(clone_db, "SELECT username, full_name FROM iam_user") == [("keeper", "仓管员甲")]
    on_hand = _rows(clone_db, "SELECT SUM(on_hand) FROM inventory_stockbalance")[0][0]
    assert Decimal(str(on_hand)) == Decimal("200")
    # The uploaded files came along.
    assert (target / "media" / "company" / "logo.png").read_bytes() == b"\x89PNG fake logo"
    # Production is untouched: same rows, same stock.
    after = database_row_counts()
    assert {t: n for t, n in after.items() if t not in BACKUP_BOOKKEEPING} == {
        t: n for t, n in before.items() if t not in BACKUP_BOOKKEEPING
    }
    assert StockMove.objects.filter(material=resin).count() == 2
    assert StockBalance.objects.get(material=resin, lot__number="L1").on_hand == Decimal("120.5")


def _call_clone(target: Path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("clone_to_test", "--instance", "test", "--data-dir", str(target), stdout=out)
    return out.getvalue()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_cloned_test_instance_shows_its_banner(make_user, backup_dir, tmp_path):
    make_user("keeper", "warehouse")
    target = tmp_path / "var-test"
    _call_clone(target)

    page = _instance_page(target, "test")

    assert page["status"] == 200
    assert page["instance"] == "test"
    assert page["db"] == str(target / "erp.sqlite3")
    assert 'class="erp-test-banner"' in page["html"]
    assert "测试环境「test」" in page["html"]  # zh-hans is the default language
    # The same data served as production carries no banner.
    page = _instance_page(target, "production")
    assert page["status"] == 200
    assert "erp-test-banner" not in page["html"]


@pytest.mark.django_db
def test_clone_refuses_to_run_from_a_test_instance(settings, tmp_path):
    settings.ERP_TEST_INSTANCE = True
    with pytest.raises(BusinessRuleError) as exc:
        clone_to_test(instance="test", data_dir=tmp_path / "x")
    assert exc.value.code == "clone_wrong_direction"
    assert not (tmp_path / "x").exists()


@sqlite_only
@pytest.mark.django_db
def test_clone_refuses_production_as_target(settings):
    with pytest.raises(CommandError, match="production"):
        call_command("clone_to_test", "--instance", "production")
    with pytest.raises(BusinessRuleError) as exc:
        clone_to_test(instance="test", data_dir=Path(settings.DATA_DIR))
    assert exc.value.code == "clone_same_target"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_clone_lands_in_its_own_database(make_user, backup_dir, tmp_path):
    keeper = make_user("keeper", "warehouse", full_name="仓管员甲")
    _plant(keeper)
    params = pg_settings()
    before = database_row_counts()
    try:
        result = clone_to_test(instance="test", data_dir=tmp_path / "var-test")
        assert result.database == f"{params['dbname']}_test"
        with pg_connect({**params, "dbname": result.database}) as conn:
            users = conn.execute("SELECT username, full_name FROM iam_user").fetchall()
            moves = conn.execute("SELECT COUNT(*) FROM inventory_stockmove").fetchone()[0]
            on_hand = conn.execute("SELECT SUM(on_hand) FROM inventory_stockbalance").fetchone()
        assert users == [("keeper", "仓管员甲")]
        assert moves == before["inventory_stockmove"] == 2
        assert on_hand[0] == Decimal("200")
        after = database_row_counts()
        assert {t: n for t, n in after.items() if t not in BACKUP_BOOKKEEPING} == {
            t: n for t, n in before.items() if t not in BACKUP_BOOKKEEPING
        }
    finally:
        with pg_connect({**params, "dbname": "postgres"}, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{params["dbname"]}_test" WITH (FORCE)')
