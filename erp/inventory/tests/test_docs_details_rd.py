"""研发领用 (issue #10.6): an other issue whose reason is R&D posts to 研发支出 through its own
posting event `stock_issue_rd`, not to production cost; the standard charts' default rules
carry it, and without a rule the posting is refused rather than booked to cost."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.builders.stock import (
    NoPostingRule,
    StockMoveValue,
    outflow_event,
    stock_moves_draft,
)
from erp.accounting.charts import CHARTS, DEFAULT_RULES
from erp.accounting.models import PostingEvent, PostingRule, Voucher
from erp.core.errors import BusinessRuleError
from erp.inventory.models import StockMove
from erp.inventory.services.documents import stock_document_create, stock_document_post

TODAY = dt.date.today()
RULES = {
    ("stock_receipt", "", ""): ("1403", "1901"),
    ("stock_issue", "", ""): ("500101", "1403"),
    ("stock_issue_rd", "", ""): ("5301", "1403"),
}


def issue_move(reason: str, value: str = "50.00") -> StockMoveValue:
    return StockMoveValue(
        material_id=7,
        category_code="RM",
        move_type="issue",
        value=Decimal(value),
        from_warehouse="WH1",
        reason=reason,
    )


def lines_of(draft) -> set[tuple[str, str, Decimal]]:
    return {
        (ln.account_code, "D" if ln.debit else "C", ln.debit or ln.credit) for ln in draft.lines
    }


# --- pure builder ------------------------------------------------------------------------


def test_rd_issue_debits_rd_expenditure():
    draft = stock_moves_draft(date=TODAY, summaries={}, moves=[issue_move("rnd")], rules=RULES)
    assert lines_of(draft) == {("5301", "D", Decimal("50.00")), ("1403", "C", Decimal("50.00"))}


def test_other_reasons_keep_the_stock_issue_rule():
    for reason in ("sample", "internal", "other", ""):
        assert outflow_event("issue", reason) == "stock_issue"
        draft = stock_moves_draft(date=TODAY, summaries={}, moves=[issue_move(reason)], rules=RULES)
        assert ("500101", "D", Decimal("50.00")) in lines_of(draft)
    assert outflow_event("scrap", "rnd") == "scrap"  # the reason only steers issues


def test_rd_issue_without_its_rule_is_refused_not_booked_to_cost():
    rules = {k: v for k, v in RULES.items() if k[0] != "stock_issue_rd"}
    with pytest.raises(NoPostingRule) as exc:
        stock_moves_draft(date=TODAY, summaries={}, moves=[issue_move("rnd")], rules=rules)
    assert str(exc.value) == "stock_issue_rd"


def test_default_rules_of_both_charts_post_rd_to_rd_expenditure():
    """研发支出 is 5301 under 企业会计准则 and 4301 under 小企业会计准则."""
    assert "stock_issue_rd" in PostingEvent.values
    for standard, code in (("enterprise", "5301"), ("small", "4301")):
        debit, credit = DEFAULT_RULES[standard]["stock_issue_rd"]
        names = {row[0]: row[1] for row in CHARTS[standard]}
        assert (debit, names[debit]) == (code, "研发支出")
        assert credit == DEFAULT_RULES[standard]["stock_issue"][1]


# --- posted through the documents --------------------------------------------------------


@pytest.fixture
def books(make_user):
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year

    manager = make_user("caijing", "finance_manager")
    chart_seed(actor=manager, standard="enterprise")
    periods_create_year(actor=manager, year=TODAY.year)
    return manager


def post(keeper, plant, kind, lines, **header):
    doc = stock_document_create(
        actor=keeper,
        kind=kind,
        header={"date": TODAY, "warehouse_id": plant["wh"].pk, **header},
        lines=lines,
    )
    return stock_document_post(actor=keeper, kind=kind, doc_id=doc.pk)


def entries(doc, kind) -> dict[tuple[str, str], Decimal]:
    voucher = Voucher.objects.get(source_type=f"inventory.{kind}", source_id=str(doc.pk))
    out: dict[tuple[str, str], Decimal] = {}
    for ln in voucher.lines.select_related("account"):
        key = (ln.account.code, "D" if ln.debit else "C")
        out[key] = out.get(key, Decimal(0)) + (ln.debit or ln.credit)
    return out


def test_rd_other_issue_posts_its_voucher_to_5301(books, keeper, plant):
    """Received 10 kg @ 12.00 and 10 kg @ 13.00: average 12.50 per kg. An R&D issue of 4 kg is
    4 × 12.50 = 50.00: Dr 5301 研发支出 50.00 / Cr 1403 原材料 50.00. A sample issue of 2 kg
    (2 × 12.50 = 25.00) still goes to 500101 直接材料 by the stock-issue rule."""
    assert PostingRule.objects.filter(event="stock_issue_rd", debit_account__code="5301").exists()
    for cost in ("12.00", "13.00"):
        post(
            keeper,
            plant,
            "otherreceipt",
            [
                {
                    "material_id": plant["bag"].pk,
                    "location_id": plant["a"].pk,
                    "quantity": "10",
                    "unit_cost": cost,
                }
            ],
        )
    line = [{"material_id": plant["bag"].pk, "location_id": plant["a"].pk, "quantity": "4"}]
    rd = post(keeper, plant, "otherissue", line, reason="rnd")
    assert entries(rd, "otherissue") == {
        ("5301", "D"): Decimal("50.00"),
        ("1403", "C"): Decimal("50.00"),
    }
    line[0]["quantity"] = "2"
    sample = post(keeper, plant, "otherissue", line, reason="sample")
    assert entries(sample, "otherissue") == {
        ("500101", "D"): Decimal("25.00"),
        ("1403", "C"): Decimal("25.00"),
    }


def test_rd_issue_refused_when_the_rule_was_removed(books, keeper, plant):
    post(
        keeper,
        plant,
        "otherreceipt",
        [
            {
                "material_id": plant["bag"].pk,
                "location_id": plant["a"].pk,
                "quantity": "10",
                "unit_cost": "1",
            }
        ],
    )
    PostingRule.objects.filter(event="stock_issue_rd").delete()
    line = [{"material_id": plant["bag"].pk, "location_id": plant["a"].pk, "quantity": "4"}]
    with pytest.raises(BusinessRuleError) as exc:
        post(keeper, plant, "otherissue", line, reason="rnd")
    assert exc.value.code == "posting_rule_missing"
    assert not StockMove.objects.filter(source_type="inventory.otherissue").exists()


def test_reversing_an_rd_issue_takes_the_cost_back_off_5301(books, keeper, plant):
    """Received 10 kg @ 12.00 (120.00); R&D issue of 4 kg = 48.00 (Dr 5301 / Cr 1403). Its
    reversal (冲销) books the same entries red: 5301 −48.00 / 1403 −48.00, so 5301 nets to 0
    and nothing lands on 500101."""
    from erp.inventory.services import StockSource, stock_reverse

    post(
        keeper,
        plant,
        "otherreceipt",
        [
            {
                "material_id": plant["bag"].pk,
                "location_id": plant["a"].pk,
                "quantity": "10",
                "unit_cost": "12.00",
            }
        ],
    )
    line = [{"material_id": plant["bag"].pk, "location_id": plant["a"].pk, "quantity": "4"}]
    rd = post(keeper, plant, "otherissue", line, reason="rnd")
    stock_reverse(
        actor=keeper,
        source=StockSource("inventory.otherissue", rd.pk, rd.number),
        reason="领错料",
    )
    vouchers = Voucher.objects.filter(source_type="inventory.otherissue", source_id=str(rd.pk))
    net: dict[str, Decimal] = {}
    for voucher in vouchers:
        for ln in voucher.lines.select_related("account"):
            net[ln.account.code] = net.get(ln.account.code, Decimal(0)) + ln.debit - ln.credit
    assert vouchers.count() == 2
    assert net.get("5301") == Decimal("0.00") and "500101" not in net
