"""Inventory documents → vouchers: each posted document posts its voucher in the same
transaction, amounts = the moves' values, accounts from the posting rules, linked both ways;
closed periods refuse stock postings; stock value = GL inventory accounts afterwards."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.errors import PeriodClosed
from erp.accounting.integrity import stock_equals_gl
from erp.accounting.models import Account, Period, PostingRule, Voucher
from erp.accounting.services.closing import period_checklist
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.stock_posting import stock_vouchers_catch_up
from erp.inventory.models import StockMove
from erp.inventory.services.counts import (
    stock_count_create,
    stock_count_enter,
    stock_count_freeze,
    stock_count_post,
)
from erp.inventory.services.documents import stock_document_create, stock_document_post
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

from .conftest import draft

TODAY = dt.date.today()
pytestmark = pytest.mark.django_db


@pytest.fixture
def plant(db):
    """Raw materials (RM, on 1403) and finished goods (FG, on 1405) in two warehouses; the
    finished-goods warehouse WH2 holds every category on 1405 (a rule by warehouse)."""
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    rm = MaterialCategory.objects.create(code="RM", name="原材料")
    fg = MaterialCategory.objects.create(code="FG", name="产成品")
    wh1 = Warehouse.objects.create(code="WH1", name="原料仓")
    wh2 = Warehouse.objects.create(code="WH2", name="成品仓")

    def loc(w, code):
        return Location.objects.create(warehouse=w, code=code, name=code)

    def mat(code, category, **kw):
        return Material.objects.create(
            code=code,
            name=code,
            category=category,
            inventory_type="raw",
            procurement="buy",
            base_unit=kg,
            batch_managed=False,
            **kw,
        )

    return {
        "wh1": wh1,
        "wh2": wh2,
        "a": loc(wh1, "A-01"),
        "b": loc(wh1, "B-01"),
        "c": loc(wh2, "C-01"),
        "resin": mat("RM-RESIN", rm),
        "paint": mat("FG-PAINT", fg),
    }


@pytest.fixture
def keeper(make_user):
    """A warehouse keeper: posts stock documents, holds no accounting permission."""
    return make_user("keeper", "warehouse")


def _rule(event, debit, credit, category="", warehouse=""):
    PostingRule.objects.update_or_create(
        event=event,
        category_code=category,
        warehouse_code=warehouse,
        defaults={
            "debit_account": Account.objects.get(code=debit),
            "credit_account": Account.objects.get(code=credit),
        },
    )


@pytest.fixture
def rules(books):
    _rule("stock_receipt", "1405", "1901", category="FG")
    _rule("stock_receipt", "1405", "1901", warehouse="WH2")
    return books


def post_doc(keeper, kind, plant, lines, *, warehouse="wh1", **header):
    doc = stock_document_create(
        actor=keeper,
        kind=kind,
        header={"date": TODAY, "warehouse_id": plant[warehouse].pk, **header},
        lines=lines,
    )
    return stock_document_post(actor=keeper, kind=kind, doc_id=doc.pk)


def receive(keeper, plant, material="resin", qty="10", cost="12.50", loc="a"):
    return post_doc(
        keeper,
        "otherreceipt",
        plant,
        [
            {
                "material_id": plant[material].pk,
                "location_id": plant[loc].pk,
                "quantity": qty,
                "unit_cost": cost,
            }
        ],
        warehouse="wh2" if loc == "c" else "wh1",
    )


def voucher_of(kind, doc) -> Voucher:
    return Voucher.objects.get(source_type=f"inventory.{kind}", source_id=str(doc.pk))


def entries(voucher) -> dict[tuple[str, str], Decimal]:
    """{(account code, "D"/"C"): amount} summed over the voucher's lines."""
    out: dict[tuple[str, str], Decimal] = {}
    for line in voucher.lines.select_related("account"):
        side = ("D", line.debit) if line.debit else ("C", line.credit)
        out[(line.account.code, side[0])] = out.get((line.account.code, side[0]), 0) + side[1]
    return out


def moves_value(source_type, doc) -> Decimal:
    return sum(
        (m.value for m in StockMove.objects.filter(source_type=source_type, source_id=doc.pk)),
        Decimal(0),
    )


def balanced(voucher) -> bool:
    lines = list(voucher.lines.all())
    return sum(x.debit for x in lines) == sum(x.credit for x in lines) == voucher.total


def test_receipt_posts_its_voucher_linked_both_ways(rules, keeper, plant):
    doc = receive(keeper, plant, qty="10", cost="12.50")
    voucher = voucher_of("otherreceipt", doc)
    assert voucher.state == "posted" and voucher.word == "转" and voucher.date == TODAY
    assert voucher.source_number == doc.number and voucher.posted_by == keeper
    assert entries(voucher) == {
        ("1403", "D"): Decimal("125.00"),
        ("1901", "C"): Decimal("125.00"),
    }
    assert balanced(voucher)
    debit = voucher.lines.get(debit__gt=0)
    assert debit.material_id == plant["resin"].pk and doc.number in debit.summary
    assert stock_equals_gl() == []


def test_category_rule_puts_finished_goods_on_1405(rules, keeper, plant):
    receive(keeper, plant, material="paint", qty="4", cost="30")
    voucher = Voucher.objects.get(source_type="inventory.otherreceipt")
    assert entries(voucher) == {
        ("1405", "D"): Decimal("120.00"),
        ("1901", "C"): Decimal("120.00"),
    }


def test_issue_credits_inventory_at_the_moves_value(rules, keeper, plant):
    receive(keeper, plant, qty="3", cost="10")
    receive(keeper, plant, qty="3", cost="11")  # average 10.50
    doc = post_doc(
        keeper,
        "otherissue",
        plant,
        [{"material_id": plant["resin"].pk, "location_id": plant["a"].pk, "quantity": "2"}],
        reason="sample",  # 研发领用 ("rnd") posts to 5301: see inventory test_docs_details_rd
    )
    voucher = voucher_of("otherissue", doc)
    value = moves_value("inventory.otherissue", doc)
    assert value == Decimal("21.00")
    assert entries(voucher) == {("500101", "D"): value, ("1403", "C"): value}
    assert stock_equals_gl() == []


def test_transfer_between_valuation_groups_moves_value_between_accounts(rules, keeper, plant):
    receive(keeper, plant, qty="10", cost="8")
    line = {
        "material_id": plant["resin"].pk,
        "from_location_id": plant["a"].pk,
        "to_location_id": plant["c"].pk,
        "quantity": "4",
    }
    doc = post_doc(keeper, "transfer", plant, [line], to_warehouse_id=plant["wh2"].pk)
    voucher = voucher_of("transfer", doc)
    assert entries(voucher) == {("1405", "D"): Decimal("32.00"), ("1403", "C"): Decimal("32.00")}
    assert stock_equals_gl() == []


def test_transfer_inside_one_valuation_group_posts_no_voucher(rules, keeper, plant):
    receive(keeper, plant, qty="10", cost="8")
    line = {
        "material_id": plant["resin"].pk,
        "from_location_id": plant["a"].pk,
        "to_location_id": plant["b"].pk,
        "quantity": "4",
    }
    doc = post_doc(keeper, "transfer", plant, [line])
    assert doc.state == "posted"
    assert not Voucher.objects.filter(source_type="inventory.transfer").exists()


def test_scrap_goes_to_pending_losses(rules, keeper, plant):
    receive(keeper, plant, qty="10", cost="8")
    doc = post_doc(
        keeper,
        "scrap",
        plant,
        [{"material_id": plant["resin"].pk, "location_id": plant["a"].pk, "quantity": "1.5"}],
        reason="包装破损",
    )
    voucher = voucher_of("scrap", doc)
    assert entries(voucher) == {("1901", "D"): Decimal("12.00"), ("1403", "C"): Decimal("12.00")}


def test_count_surplus_and_shortage_post_against_1901(rules, keeper, plant):
    receive(keeper, plant, material="resin", qty="10", cost="5")
    receive(keeper, plant, material="paint", qty="10", cost="20")
    count = stock_count_create(
        actor=keeper, header={"date": TODAY, "warehouse_id": plant["wh1"].pk}
    )
    count = stock_count_freeze(actor=keeper, count_id=count.pk)
    lines = {ln.material_id: ln for ln in count.lines.all()}
    stock_count_enter(
        actor=keeper,
        count_id=count.pk,
        counts={lines[plant["resin"].pk].pk: "12", lines[plant["paint"].pk].pk: "9"},
    )
    count = stock_count_post(actor=keeper, count_id=count.pk)
    voucher = Voucher.objects.get(source_type="inventory.stockcount", source_id=str(count.pk))
    assert entries(voucher) == {
        ("1403", "D"): Decimal("10.00"),  # 盘盈 2 kg resin at 5
        ("1901", "C"): Decimal("10.00"),
        ("1901", "D"): Decimal("20.00"),  # 盘亏 1 kg paint at 20
        ("1405", "C"): Decimal("20.00"),
    }
    assert balanced(voucher) and voucher.source_number == count.number
    assert stock_equals_gl() == []


def test_opening_stock_import_posts_against_the_opening_rule(rules, manager, plant):
    from erp.golive.models import CutOver
    from erp.inventory.imports import opening_stock_upsert

    go_live = TODAY.replace(day=1)
    CutOver.objects.create(pk=1, go_live_date=go_live)  # opening imports need the go-live date
    opening_stock_upsert(
        actor=manager,
        data={"go_live_date": go_live},
        lines=[
            {
                "warehouse": plant["wh1"],
                "location_code": "A-01",
                "material": plant["resin"],
                "quantity": Decimal("100"),
                "unit_cost": Decimal("3.20"),
            },
            {
                "warehouse": plant["wh2"],
                "location_code": "C-01",
                "material": plant["paint"],
                "quantity": Decimal("10"),
                "unit_cost": Decimal("50"),
            },
        ],
    )
    voucher = Voucher.objects.get(source_type="golive.openingstock")
    assert voucher.date == go_live - dt.timedelta(days=1)
    assert entries(voucher) == {
        ("1403", "D"): Decimal("320.00"),
        ("1405", "D"): Decimal("500.00"),
        ("410415", "C"): Decimal("820.00"),
    }
    assert stock_equals_gl() == []


def test_zero_cost_receipt_posts_stock_without_voucher(rules, keeper, plant):
    doc = receive(keeper, plant, qty="5", cost="0")
    assert doc.state == "posted"
    assert not Voucher.objects.filter(source_type="inventory.otherreceipt").exists()


def test_closed_period_refuses_stock_documents_and_nothing_is_written(rules, keeper, plant):
    Period.objects.filter(start__lte=TODAY, end__gte=TODAY).update(state="closed")
    with pytest.raises(PeriodClosed):
        receive(keeper, plant)
    assert not StockMove.objects.exists()
    assert stock_document_create  # the draft itself was created before posting
    from erp.inventory.models import OtherReceipt

    assert OtherReceipt.objects.get().state == "draft"


def test_zero_value_document_in_closed_period_is_refused_too(rules, keeper, plant):
    Period.objects.filter(start__lte=TODAY, end__gte=TODAY).update(state="closed")
    with pytest.raises(PeriodClosed):
        receive(keeper, plant, cost="0")


def test_before_the_books_start_documents_post_without_vouchers(keeper, plant):
    doc = receive(keeper, plant)
    assert doc.state == "posted" and not Voucher.objects.exists()
    assert stock_equals_gl() == []  # silent before the books start


def test_catch_up_posts_missing_vouchers_once(keeper, plant, manager):
    doc = receive(keeper, plant, qty="2", cost="7")  # before the books start
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year

    chart_seed(actor=manager)
    periods_create_year(actor=manager, year=TODAY.year)
    assert len(stock_equals_gl()) == 1  # 14.00 of stock, nothing on 1403
    posted = stock_vouchers_catch_up(actor=manager)
    assert [entries(v) for v in posted] == [
        {("1403", "D"): Decimal("14.00"), ("1901", "C"): Decimal("14.00")}
    ]
    # the voucher names its document by number (单据联查), not "otherreceipt:1"
    assert [v.source_number for v in posted] == [doc.number] and doc.number
    assert stock_vouchers_catch_up(actor=manager) == []
    assert stock_equals_gl() == []


def test_manual_posting_to_inventory_breaks_stock_equals_gl(rules, keeper, plant):
    receive(keeper, plant, qty="10", cost="1")
    voucher_post(actor=rules, draft=draft("5.00", on=TODAY, debit="1403", credit="1002"))
    problems = stock_equals_gl()
    assert len(problems) == 1 and "1403" in problems[0] and "5.00" in problems[0]
    period = Period.objects.get(start__lte=TODAY, end__gte=TODAY)
    check = next(c for c in period_checklist(period) if c.code == "stock_equals_gl")
    assert not check.ok and "1403" in check.detail and "account=1403" in check.url


def test_draft_stock_documents_block_the_month_end(rules, keeper, plant):
    stock_document_create(
        actor=keeper,
        kind="otherreceipt",
        header={"date": TODAY, "warehouse_id": plant["wh1"].pk},
        lines=[{"material_id": plant["resin"].pk, "location_id": plant["a"].pk, "quantity": "1"}],
    )
    period = Period.objects.get(start__lte=TODAY, end__gte=TODAY)
    check = next(c for c in period_checklist(period) if c.code == "stock_documents_posted")
    assert not check.ok and ": 1" in check.detail and "state=draft" in check.url


def test_document_and_voucher_pages_link_each_other(rules, keeper, plant, client):
    doc = receive(keeper, plant)
    voucher = voucher_of("otherreceipt", doc)
    client.force_login(rules)
    page = client.get(f"/inventory/other-receipts/{doc.pk}/").content.decode()
    assert "source-vouchers/?type=inventory.otherreceipt&amp;id=" in page
    fragment = client.get(
        "/accounting/source-vouchers/", {"type": "inventory.otherreceipt", "id": doc.pk}
    ).content.decode()
    assert voucher.number in fragment and f"/accounting/vouchers/{voucher.pk}/" in fragment
    detail = client.get(f"/accounting/vouchers/{voucher.pk}/").content.decode()
    assert f'href="/inventory/other-receipts/{doc.pk}/"' in detail
    client.force_login(keeper)  # no accounting role: the fragment stays empty
    fragment = client.get(
        "/accounting/source-vouchers/", {"type": "inventory.otherreceipt", "id": doc.pk}
    ).content.decode()
    assert voucher.number not in fragment
