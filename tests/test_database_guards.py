"""Database guarantees (issue #11.4), on SQLite and PostgreSQL alike:

- the stock ledger is append-only in the database: UPDATE and DELETE of inventory_stockmove are
  refused by triggers, whoever sends them (ORM or raw SQL); `erp check` reports a lost trigger;
- the SQLite escape hatch of the append-only triggers (`PRAGMA recursive_triggers = ON`, used
  by the test flush) is unreachable from production code: no production module turns it on,
  a connection made with the production options has it off, and a DELETE is refused;
- every numbered document type has a unique number (drafts, with none, are exempt);
- raw bulk inserts take their columns from the model: a value lands in its own column, and an
  insert that leaves out a required field is refused before it runs.
"""

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, IntegrityError, connection, transaction

from erp.core.models import AuditEvent, Document

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.fixture
def move(make_user):
    """One posted stock move: 4 kg received at 2.50 = 10.00."""
    from erp.inventory.services import ReceiptLine, StockSource, stock_receive
    from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="RM", name="原材料")
    wh = Warehouse.objects.create(code="WH1", name="原料仓")
    loc = Location.objects.create(warehouse=wh, code="A-01", name="A-01", type="storage")
    bag = Material.objects.create(
        code="PK-BAG",
        name="包装袋",
        category=cat,
        inventory_type="raw",
        procurement="buy",
        base_unit=kg,
        batch_managed=False,
    )
    stock_receive(
        actor=make_user("keeper", "warehouse"),
        lines=[
            ReceiptLine(
                material_id=bag.pk,
                location_id=loc.pk,
                quantity=Decimal("4"),
                unit_cost=Decimal("2.50"),
            )
        ],
        posting_date=dt.date.today(),
        source=StockSource("test.receipt", 1, "T1"),
    )
    from erp.inventory.models import StockMove

    return StockMove.objects.get(material=bag)


def _refused(fn) -> None:
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        fn()


def test_stock_moves_cannot_be_updated_or_deleted(move):
    from erp.inventory.models import StockMove

    table = StockMove._meta.db_table
    _refused(lambda: StockMove.objects.filter(pk=move.pk).update(value=Decimal("99")))
    _refused(lambda: StockMove.objects.filter(pk=move.pk).delete())
    with connection.cursor() as cursor:
        _refused(lambda: cursor.execute(f"UPDATE {table} SET quantity = 5"))
        _refused(lambda: cursor.execute(f"DELETE FROM {table}"))
    move.refresh_from_db()
    assert (move.quantity, move.value) == (Decimal("4"), Decimal("10.00"))


def test_a_lost_stock_ledger_trigger_is_reported(db):
    from erp.inventory.integrity import STOCK_LEDGER_TRIGGERS, stock_ledger_append_only

    assert stock_ledger_append_only() == []
    name = STOCK_LEDGER_TRIGGERS[1]
    suffix = " ON inventory_stockmove" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name}{suffix}")
    assert stock_ledger_append_only() == [
        f"database trigger {name} missing: stock moves could be changed"
    ]


# --- the recursive_triggers escape hatch -------------------------------------------------------

_TURNS_ON = re.compile(r"recursive_triggers\s*=", re.IGNORECASE)


def _production_sources():
    for base in ("erp", "config"):
        for path in (ROOT / base).rglob("*.py"):
            if "tests" not in path.relative_to(ROOT).parts:
                yield path


def _code_strings(path: Path) -> list[str]:
    """String constants of a module except docstrings (a docstring may explain the PRAGMA)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_production_code_turns_recursive_triggers_on():
    """Only the test flush (conftest.py, tests/) may set the PRAGMA; production modules and
    migrations only read it (`pragma_recursive_triggers` in the trigger guards)."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in _production_sources()
        if any(_TURNS_ON.search(text) for text in _code_strings(path))
    ]
    assert offenders == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite PRAGMA")
def test_production_connections_start_with_recursive_triggers_off(tmp_path):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from config.settings.base import SQLITE_OPTIONS

    settings = {**connection.settings_dict, "NAME": str(tmp_path / "probe.sqlite3")}
    settings["OPTIONS"] = dict(SQLITE_OPTIONS)
    probe = DatabaseWrapper(settings, alias="probe")
    try:
        with probe.cursor() as cursor:
            cursor.execute("PRAGMA recursive_triggers")
            assert cursor.fetchone()[0] == 0
    finally:
        probe.close()


def test_during_a_test_the_guard_is_armed_and_audit_rows_cannot_be_deleted(admin_user):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA recursive_triggers")
            assert cursor.fetchone()[0] == 0
    from erp.core.services.audit import audit_record

    audit_record(actor=admin_user, action="create", object_type="test.thing", object_repr="T1")
    _refused(lambda: AuditEvent.objects.all().delete())
    _refused(lambda: AuditEvent.objects.update(note="rewritten"))
    assert AuditEvent.objects.filter(object_repr="T1", note="").count() == 1


# --- unique document numbers -------------------------------------------------------------------


def test_every_numbered_document_type_has_a_unique_number():
    missing = []
    for model in apps.get_models():
        if not issubclass(model, Document):
            continue
        if not any(
            getattr(c, "fields", ()) == ("number",) and c.condition is not None
            for c in model._meta.constraints
        ):
            missing.append(model._meta.label)
    assert missing == []


def test_a_number_is_taken_once_per_document_type_and_drafts_have_none(make_user):
    from erp.inventory.models import OtherIssue, OtherReceipt
    from erp.masterdata.models import Warehouse

    wh = Warehouse.objects.create(code="WH1", name="原料仓")
    user = make_user("keeper", "warehouse")
    values = {"warehouse": wh, "created_by": user, "date": dt.date.today()}
    for _draft in range(2):
        OtherReceipt.objects.create(number="", **values)  # drafts: no number, no conflict
    OtherReceipt.objects.create(number="IR2026120001", **values)
    OtherIssue.objects.create(number="IR2026120001", **values)  # another type: its own key
    with pytest.raises(IntegrityError), transaction.atomic():
        OtherReceipt.objects.create(number="IR2026120001", **values)


# --- raw bulk inserts --------------------------------------------------------------------------


def test_bulk_insert_refuses_rows_that_leave_a_required_column_out(db):
    from erp.core.bulk_insert import insert_sql

    with pytest.raises(ImproperlyConfigured, match="no value for note"):
        insert_sql(
            AuditEvent,
            ["at", "actor_id", "action", "object_type", "object_id", "object_repr", "changes"],
        )


def test_voucher_lines_keep_each_auxiliary_value_in_its_own_column(make_user):
    """The gate's bulk line insert: the employee of a 其他应收款 line and the customer of a
    应收账款 line land in their own columns (a hand-written column list shifted them when a
    field moved). Dr 1221 5.00 (employee) / Cr 1122 5.00 (customer)."""
    from erp.accounting.builders.drafts import DraftLine, VoucherDraft
    from erp.accounting.models import VoucherLine
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.gate import voucher_post
    from erp.accounting.services.periods import periods_create_year
    from erp.masterdata.models import Customer

    manager = make_user("caijing", "finance_manager")
    chart_seed(actor=manager, standard="enterprise")
    today = dt.date.today()
    periods_create_year(actor=manager, year=today.year)
    customer = Customer.objects.create(code="C001", name="华东客户")
    voucher = voucher_post(
        actor=manager,
        draft=VoucherDraft(
            date=today,
            lines=(
                DraftLine("借款", "1221", debit=Decimal("5.00"), employee_id=manager.pk),
                DraftLine("借款", "1122", credit=Decimal("5.00"), customer_id=customer.pk),
            ),
        ),
    )
    debit, credit = VoucherLine.objects.filter(voucher=voucher).order_by("line_no")
    aux = ("customer_id", "supplier_id", "department_id", "employee_id", "material_id")
    assert [getattr(debit, a) for a in aux] == [None, None, None, manager.pk, None]
    assert [getattr(credit, a) for a in aux] == [customer.pk, None, None, None, None]
    assert (debit.account.code, debit.debit, debit.credit) == ("1221", Decimal("5.00"), 0)
    assert (credit.account.code, credit.debit, credit.credit) == ("1122", 0, Decimal("5.00"))
    assert (debit.summary, debit.source_line, debit.line_no, credit.line_no) == ("借款", "", 1, 2)
