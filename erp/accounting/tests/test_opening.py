"""GL opening balances through the go-live import (one voucher the day before go-live,
balanced or refused with the difference named, never twice) and the opening tie-out."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.imports import OPENING_BALANCES
from erp.accounting.models import Voucher
from erp.accounting.selectors_statements import balances_as_of, opening_tie_out
from erp.accounting.services.gate import voucher_post, voucher_reverse
from erp.accounting.services.opening import OpeningLine, opening_balances_post
from erp.accounting.services.stock_posting import stock_vouchers_catch_up
from erp.core.errors import BusinessRuleError
from erp.golive.models import ImportLog
from erp.golive.services.imports import import_apply, import_dry_run
from erp.golive.tests.workbooks import filled
from erp.inventory.services import ReceiptLine, StockSource, stock_receive
from erp.inventory.states import MoveType

pytestmark = pytest.mark.django_db
GO_LIVE = dt.date(2026, 3, 1)
OPENING_DAY = dt.date(2026, 2, 28)


@pytest.fixture(autouse=True)
def _go_live_date(db):
    """Opening imports are dated the day before the company's go-live date (golive cockpit)."""
    from erp.golive.models import CutOver

    CutOver.objects.create(pk=1, go_live_date=GO_LIVE)


def row(account, debit=None, credit=None, employee=None):
    values = {"go_live_date": "2026-03-01", "account": account, "debit": debit,
              "credit": credit, "employee": employee}  # fmt: skip
    return [values.get(c.field) for c in OPENING_BALANCES.columns]


def run(actor, rows):
    content = filled(OPENING_BALANCES, rows)
    log = import_dry_run(
        actor=actor, spec_key=OPENING_BALANCES.key, file_name="期初.xlsx", content=content
    )
    if log.result != ImportLog.Result.DRY_RUN_OK:
        return log
    return import_apply(actor=actor, log_id=log.pk)


def test_balanced_file_posts_one_opening_voucher(books):
    log = run(
        books,
        [
            row("1002", debit=500000),
            row("1221", debit=3000, employee="caijing"),
            row("1601", debit=200000),
            row("1602", credit=50000),
            row("6001", debit=0),  # listed at zero: skipped
            row("4001", credit=653000),
        ],
    )
    assert log.result == ImportLog.Result.APPLIED, log.report
    voucher = Voucher.objects.get(source_type="golive.openingbalance")
    assert voucher.date == OPENING_DAY and voucher.word == "转" and voucher.state == "posted"
    assert voucher.total == Decimal("703000.00") and voucher.lines.count() == 5
    assert voucher.lines.get(account__code="1221").employee.username == "caijing"
    balances = balances_as_of(OPENING_DAY)
    assert balances["1002"] == Decimal("500000.00") and balances["4001"] == Decimal("-653000.00")
    tie = opening_tie_out(GO_LIVE)
    assert tie.voucher == voucher and tie.balanced
    assert tie.debit_total == tie.credit_total == Decimal("703000.00")
    # Importing again is refused while the voucher stands; after a reversal it is allowed.
    again = run(books, [row("1002", debit=1), row("4001", credit=1)])
    assert again.result == ImportLog.Result.DRY_RUN_FAILED
    assert "already imported" in again.report["errors"][0]["message"]
    voucher_reverse(actor=books, voucher_id=voucher.pk, on_date=dt.date(2026, 2, 28))
    assert opening_tie_out(GO_LIVE).voucher is None
    assert run(books, [row("1002", debit=1), row("4001", credit=1)]).result == "applied"


def test_unbalanced_file_is_refused_with_the_difference(books):
    log = run(books, [row("1002", debit="1000.50"), row("4001", credit=1000)])
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    message = log.report["errors"][0]["message"]
    assert "debit total 1000.50, credit total 1000.00, difference 0.50" in message
    assert not Voucher.objects.exists()


def test_line_problems_name_the_file_line(books):
    with pytest.raises(BusinessRuleError) as exc:
        opening_balances_post(
            actor=books,
            go_live=GO_LIVE,
            lines=[
                OpeningLine("6001"),  # zero: skipped, but keeps its number
                OpeningLine("1221", debit=Decimal("10.00")),  # employee missing
                OpeningLine("4001", credit=Decimal("10.00")),
            ],
        )
    assert exc.value.code == "opening_lines_invalid"
    assert "Line 2:" in str(exc.value.message) and "1221" in str(exc.value.message)
    with pytest.raises(BusinessRuleError) as exc:
        opening_balances_post(
            actor=books,
            go_live=GO_LIVE,
            lines=[
                OpeningLine("2221", credit=Decimal("5")),
                OpeningLine("1002", debit=Decimal("5")),
            ],
        )
    assert "sub-accounts" in str(exc.value.message)


def _opening_stock(plant_actor, value_qty="500", cost="25"):
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    category = MaterialCategory.objects.create(code="RM", name="原材料")
    warehouse = Warehouse.objects.create(code="WH1", name="原料仓")
    location = Location.objects.create(warehouse=warehouse, code="A-01", name="A-01")
    material = Material.objects.create(
        code="RM-RESIN", name="环氧树脂", category=category, inventory_type="raw",
        procurement="buy", base_unit=kg, batch_managed=False,
    )  # fmt: skip
    stock_receive(
        actor=plant_actor,
        lines=[
            ReceiptLine(
                material_id=material.pk,
                location_id=location.pk,
                quantity=Decimal(value_qty),
                unit_cost=Decimal(cost),
            )
        ],
        posting_date=OPENING_DAY,
        source=StockSource("golive.openingstock", GO_LIVE.isoformat()),
        move_type=MoveType.OPENING,
    )


@pytest.mark.parametrize("extra", [Decimal("0"), Decimal("100.00")])
def test_tie_out_stock_against_gl_inventory(books, extra, make_user):
    _opening_stock(make_user("cangku", "warehouse"))  # 500 kg × 25 = 12,500.00 in WH1, category RM
    # The opening stock posts its own voucher (stock wiring); the GL file leaves 1403 out.
    stock_vouchers_catch_up(actor=books)
    assert balances_as_of(OPENING_DAY).get("1403") == Decimal("12500.00")
    opening_balances_post(
        actor=books,
        go_live=GO_LIVE,
        lines=[
            OpeningLine("1002", debit=Decimal("1000.00")),
            OpeningLine("4001", credit=Decimal("1000.00")),
        ],
    )
    if extra:  # a manual voucher on the inventory account breaks the tie
        lines = (DraftLine("补录", "1403", debit=extra), DraftLine("补录", "4001", credit=extra))
        voucher_post(actor=books, draft=VoucherDraft(date=OPENING_DAY, word="转", lines=lines))
    tie = opening_tie_out(GO_LIVE)
    assert tie.balanced
    stock = {s.code: s for s in tie.stock}
    assert stock["1403"].stock_value == Decimal("12500.00")
    assert stock["1403"].gl_value == Decimal("12500.00") + extra
    assert stock["1403"].difference == extra
    assert tie.stock_ok is (extra == 0)
    assert tie.arap == [] and tie.arap_ok and tie.unmapped_stock == 0


@pytest.mark.parametrize(
    ("code", "words"),
    [("1403", "opening stock import"), ("1122", "receivables/payables import"),
     ("220201", "receivables/payables import"), ("2203", "receivables/payables import")],
)  # fmt: skip
def test_subledger_accounts_are_refused_per_row(books, code, words):
    with pytest.raises(BusinessRuleError) as exc:
        opening_balances_post(
            actor=books,
            go_live=GO_LIVE,
            lines=[
                OpeningLine("1002", debit=Decimal("9.00")),
                OpeningLine(code, debit=Decimal("1")),
                OpeningLine("4001", credit=Decimal("10.00")),
            ],
        )
    assert exc.value.code == "opening_subledger_account"
    assert exc.value.details["lines"] == {"2": exc.value.details["lines"]["2"]}
    assert code in str(exc.value.message) and words in str(exc.value.message)
    assert not Voucher.objects.filter(source_type="golive.openingbalance").exists()


def test_subledger_refusal_is_translated(books):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(BusinessRuleError) as exc:
        opening_balances_post(
            actor=books,
            go_live=GO_LIVE,
            lines=[
                OpeningLine("1403", debit=Decimal("5")),
                OpeningLine("4001", credit=Decimal("5")),
            ],
        )
    message = str(exc.value.message)
    assert "第 1 行" in message and "库存科目的期初由期初库存导入生成" in message


def test_tie_out_page(client, books):
    opening_balances_post(
        actor=books,
        go_live=GO_LIVE,
        lines=[
            OpeningLine("1002", debit=Decimal("8.00")),
            OpeningLine("4001", credit=Decimal("8")),
        ],
    )
    client.force_login(books)
    page = client.get("/accounting/opening-tie-out/")  # defaults to the known go-live date
    body = page.content.decode()
    assert page.status_code == 200 and "2026-03-01" in body
    assert "Not available" not in body and "erp-tie-arap" in body
    assert "该日期没有未清的应收或应付款项" in body or "No open receivables or payables" in body
    assert client.get("/accounting/opening-tie-out/?go_live=bad").status_code == 200


def test_opening_needs_post_permission(books, make_user):
    from erp.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        opening_balances_post(actor=make_user("cangku", "warehouse"), go_live=GO_LIVE, lines=[])
