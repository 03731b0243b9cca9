"""生产分析 and the production yield KPI against one hand-computed order.

RM-RESIN 200 kg received @ 5.00. Formula of FG-COAT (standard cost 6.00 per kg): resin 100 %,
batch 100 kg. Order MO for 100 kg: issued 100 kg resin = 500.00 (actual cost); completed with
95 kg output → yield 95.00 %, standard cost 95 × 6.00 = 570.00, variance 500 − 570 = −70.00."""

from decimal import Decimal

from django.test import TestCase
from django.urls import reverse

from erp.reports import selectors as sel
from erp.reports.periods import month_end, month_start
from erp.reports.tests.scenario import TODAY, _user

D = Decimal


class ProductionTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        from erp.accounting.services.chart import chart_seed
        from erp.accounting.services.periods import periods_create_year
        from erp.core.services.numbering import numbering_rules_ensure_defaults
        from erp.iam.services.roles import roles_sync
        from erp.inventory.services import ReceiptLine, StockSource, stock_receive
        from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse
        from erp.production.services import orders
        from erp.production.services.formulas import formula_create, formula_release

        roles_sync()
        gm, planner = _user("gm", "general_manager"), _user("planner", "planner")
        qm, keeper = _user("qm", "quality_manager"), _user("keeper", "warehouse")
        boss = _user("boss", "workshop_supervisor")
        fm = _user("fm", "finance_manager")
        chart_seed(actor=fm, standard="enterprise")
        for year in range(TODAY.year - 1, TODAY.year + 2):
            periods_create_year(actor=fm, year=year)
        numbering_rules_ensure_defaults()
        kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
        cat = MaterialCategory.objects.create(code="X", name="X")
        wh = Warehouse.objects.create(code="W", name="W")
        loc = Location.objects.create(warehouse=wh, code="A", name="A")

        def mat(code, kind, **kw):
            return Material.objects.create(
                code=code,
                name=code,
                category=cat,
                inventory_type=kind,
                base_unit=kg,
                procurement="buy" if kind == "raw" else "make",
                batch_managed=True,
                shelf_life_days=365,
                **kw,
            )

        resin = mat("RM-RESIN", "raw")
        coat = mat("FG-COAT", "finished", standard_cost=D("6"))
        stock_receive(
            actor=keeper,
            lines=[ReceiptLine(resin.pk, loc.pk, D("200"), D("5"), lot_number="R1")],
            posting_date=TODAY,
            source=StockSource("test.receipt", 1),
        )
        formula = formula_create(
            actor=planner,
            header={"product_id": coat.pk, "batch_size": D("100")},
            lines=[{"material_id": resin.pk, "percentage": D("100")}],
        )
        formula_release(actor=qm, doc_id=formula.pk)
        order = orders.production_order_create(
            actor=planner,
            header={
                "formula_id": formula.pk,
                "quantity": D("100"),
                "issue_warehouse_id": wh.pk,
                "output_location_id": loc.pk,
            },
        )
        orders.production_order_release(actor=planner, doc_id=order.pk)
        orders.production_order_issue(actor=keeper, doc_id=order.pk)
        cls.order = orders.production_order_complete(
            actor=boss, doc_id=order.pk, output_quantity="95"
        )
        cls.gm = gm

    def test_yield_actual_and_standard_cost(self):
        (row,) = sel.production_rows(month_start(TODAY), month_end(TODAY))
        assert row.pk == self.order.pk and row.actual_cost == D("500.00")
        assert row.standard == D("570")
        assert sel.production_yield(month_start(TODAY), month_end(TODAY)) == (D("95"), D("100"))
        assert sel.dashboard_figures(month_start(TODAY), TODAY)["yield"][0] == D("95.00")

    def test_the_page(self):
        self.client.force_login(self.gm)
        html = self.client.get(reverse("reports:production")).content.decode()
        assert self.order.number in html and "95.00%" in html
        assert "¥500.00" in html and "¥570.00" in html and "-¥70.00" in html
