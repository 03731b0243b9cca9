"""The figures of the management pack against the hand-computed month of scenario.py."""

from decimal import Decimal

from django.db.models import Sum
from django.test import TestCase

from erp.reports import selectors as sel
from erp.reports.periods import month_end, month_start
from erp.reports.tests import scenario
from erp.reports.tests.scenario import TODAY

D = Decimal


class FiguresTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.s = scenario.build()
        cls.month = sel.Scope(month_start(TODAY), month_end(TODAY))

    def test_revenue_is_the_net_of_posted_invoices(self):
        assert sel.revenue_total(self.month) == D("1500.00")

    def test_cost_of_sales_is_deliveries_less_returns_and_matches_the_stock_ledger(self):
        from erp.inventory.models import StockMove

        assert sel.cost_total(self.month) == D("220.00")
        ledger = StockMove.objects.filter(posting_date=TODAY)
        out = ledger.filter(move_type="sales_delivery").aggregate(v=Sum("value"))["v"]
        back = ledger.filter(move_type="sales_return").aggregate(v=Sum("value"))["v"]
        assert out - back == D("220.00")

    def test_profit_by_customer(self):
        rows = {r.label: r for r in sel.sales_rows(self.month, "customer")}
        assert (rows["华东涂装"].revenue, rows["华东涂装"].cost, rows["华东涂装"].margin) == (
            D("1000.00"),
            D("120.00"),
            D("880.00"),
        )
        assert (rows["华南化工"].revenue, rows["华南化工"].cost) == (D("500.00"), D("100.00"))
        assert rows["华东涂装"].margin_pct == D("88.00")

    def test_sales_by_material_category_salesperson_month(self):
        by_material = {
            r.label: (r.quantity, r.revenue) for r in sel.sales_rows(self.month, "material")
        }
        assert by_material == {
            "FG-PAINT": (D("10"), D("1000.00")),
            "FG-VARNISH": (D("5"), D("500.00")),
        }
        by_category = {r.label: r.cost for r in sel.sales_rows(self.month, "category")}
        assert by_category == {"产成品": D("120.00"), "清漆": D("100.00")}
        by_person = {r.label: r.revenue for r in sel.sales_rows(self.month, "salesperson")}
        assert by_person == {"王销售": D("1000.00"), "": D("500.00")}
        (month,) = sel.sales_rows(self.month, "month")
        assert (month.key, month.revenue, month.cost) == (
            month_start(TODAY),
            D("1500.00"),
            D("220.00"),
        )

    def test_abc_by_revenue_share(self):
        rows = sel.sales_rows(self.month, "customer", with_cost=False)
        # 华东 starts at 0 % (A); 华南 starts at 66.67 % of the cumulative revenue, below 80 % (A).
        assert sel.abc_classes(rows) == {self.s["east"].pk: "A", self.s["south"].pk: "A"}

    def test_stock_value_and_category_split(self):
        assert sel.stock_value_total() == D("1780.00")
        rows = {r.label: r.value for r in sel.stock_by_category(slow_days=90, today=TODAY)}
        assert rows == {"产成品": D("880.00"), "清漆": D("900.00")}
        # Before today nothing had been received.
        assert sel.stock_value_at(TODAY - __import__("datetime").timedelta(days=1)) == D("0.00")

    def test_quarantine_overdue_on_time(self):
        assert sel.quarantine_lots_waiting() == 1  # the return's lot
        assert sel.receivables_overdue(TODAY) == (D("300.00"), 1)
        assert sel.on_time_delivery(self.month.date_from, self.month.date_to) == (3, 3)

    def test_dashboard_figures(self):
        f = sel.dashboard_figures(month_start(TODAY), TODAY)
        assert f["revenue"] == (D("1500.00"), D("0"))
        assert f["margin"][0] == D("1280.00")
        assert f["margin_pct"][0] == D("85.33")
        assert f["stock_value"][0] == D("1780.00")
        assert f["on_time"][0] == D("100.00") and f["yield"] == (None, None)
        assert f["accuracy"] == (None, None)  # no stock count posted
        assert f["lead_days"][0] == D("1.3")

    def test_kpis_by_week(self):
        weeks = sel.kpi_weeks(TODAY)
        assert len(weeks) == 12 and weeks[-1].start.weekday() == 0
        assert weeks[-1].start <= TODAY < weeks[-1].start + __import__("datetime").timedelta(7)
        assert weeks[-1].lead_days == D("1.3") and weeks[0].lead_days is None


class DrillDownTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.s = scenario.build()
        cls.month = sel.Scope(month_start(TODAY), month_end(TODAY))

    def test_revenue_drills_to_exactly_its_invoices_with_vouchers(self):
        rows = sel.revenue_documents(self.month.narrowed("customer", self.s["east"].pk))
        assert [(r.number, r.amount) for r in rows] == [(self.s["inv1"].number, D("1000.00"))]
        assert rows[0].voucher_ids == [self.s["inv1"].voucher_id]
        all_rows = sel.revenue_documents(self.month)
        assert sum(r.amount for r in all_rows) == sel.revenue_total(self.month)

    def test_cost_drills_to_deliveries_and_returns(self):
        rows = sel.cost_documents(self.month.narrowed("customer", self.s["east"].pk))
        assert sorted((r.number, r.amount) for r in rows) == sorted(
            [
                (self.s["dn1"].number, D("100.00")),
                (self.s["dn3"].number, D("40.00")),
                (self.s["ret"].number, D("-20.00")),
            ]
        )
        assert all(r.voucher_ids for r in rows)  # each stock posting booked its voucher

    def test_the_no_salesperson_row_drills_to_its_own_invoices(self):
        rows = sel.revenue_documents(self.month.narrowed("salesperson", None))
        assert [r.number for r in rows] == [self.s["inv2"].number]


def test_comparison_periods():
    import datetime as dt

    from erp.reports.views import comparison_scopes

    march = sel.Scope(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    before, last_year = comparison_scopes(march)
    assert (before.date_from, before.date_to) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert (last_year.date_from, last_year.date_to) == (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    quarter = sel.Scope(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert comparison_scopes(quarter)[0].date_from == dt.date(2025, 10, 1)
    ten_days = sel.Scope(dt.date(2024, 2, 20), dt.date(2024, 2, 29))
    before, last_year = comparison_scopes(ten_days)
    assert (before.date_from, before.date_to) == (dt.date(2024, 2, 10), dt.date(2024, 2, 19))
    assert last_year.date_to == dt.date(2023, 2, 28)


def test_database_sums_are_exact_again():
    # SQLite sums DECIMAL columns as binary floats: 392131242.30 came back as …242.299995.
    assert sel.amount(Decimal("392131242.299995")) == Decimal("392131242.30")
    assert str(sel.amount(None)) == "0.00" and sel.qty(Decimal("15.00000001")) == Decimal("15")
