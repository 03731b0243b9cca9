"""Report builder: whitelisted fields, grouping and sums, saved with its grouping, shared,
exported, permission-aware."""

import io

import pytest
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from erp.core.errors import NotFound, PermissionDenied, ValidationFailed
from erp.reports import builder
from erp.reports.models import SavedReport
from erp.reports.registry import Dataset, Field, dataset_register, datasets_for
from erp.reports.services.saved_reports import saved_report_delete, saved_report_save
from erp.reports.tests import scenario

REVENUE_BY_CATEGORY_MONTH = {
    "group_by": ["category", "month"],
    "sums": ["net_amount", "quantity"],
    "period": "this_month",
}


class BuilderTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.s = scenario.build()

    def _run(self, raw, dataset="sales_invoice_lines", user=None):
        spec = builder.spec_parse(dataset, raw, user=user or self.s["gm"])
        return spec, [builder.spec_row(spec, r) for r in builder.spec_queryset(spec)]

    def test_grouped_sums_match_the_invoices(self):
        from decimal import Decimal

        from erp.reports.periods import month_start
        from erp.reports.tests.scenario import TODAY

        spec, rows = self._run(REVENUE_BY_CATEGORY_MONTH)
        assert rows == [
            ["产成品", month_start(TODAY).strftime("%Y-%m"), Decimal("1000.00"), Decimal("10"), 1],
            ["清漆", month_start(TODAY).strftime("%Y-%m"), Decimal("500.00"), Decimal("5"), 1],
        ]
        assert builder.spec_totals(spec) == [Decimal("1500.00"), Decimal("15"), 2]

    def test_detail_rows_and_filters(self):
        raw = {
            "columns": ["number", "customer", "net_amount"],
            "filters": [{"field": "customer", "op": "contains", "value": "华南"}],
        }
        _spec, rows = self._run(raw)
        assert rows == [
            [self.s["inv2"].number, "华南化工", __import__("decimal").Decimal("500.00")]
        ]

    def test_unknown_fields_are_refused_before_any_query(self):
        assert self.s["gm"].has_perm("sales.view_salesinvoice")  # permissions cached
        for raw in (
            {"columns": ["document__customer__credit_limit"]},
            {"group_by": ["customer; DROP TABLE"]},
            {"sums": ["customer"]},  # text cannot be summed
            {"filters": [{"field": "password", "op": "eq", "value": "x"}]},
            {"filters": [{"field": "net_amount", "op": "contains", "value": "1"}]},
            {"filters": [{"field": "net_amount", "op": "gte", "value": "abc"}]},
            {"filters": [{"field": "date", "op": "gte", "value": "2026-13-40"}]},
            {"period": "forever"},
            {"group_by": ["customer", "material", "category", "month"]},  # four levels
        ):
            with self.assertNumQueries(0), pytest.raises(ValidationFailed):
                builder.spec_parse("sales_invoice_lines", raw, user=self.s["gm"])
        with pytest.raises(ValidationFailed):
            builder.spec_parse("auth_user", {}, user=self.s["gm"])

    def test_datasets_follow_the_model_view_permission(self):
        seller_codes = {d.code for d in datasets_for(self.s["seller"])}
        assert "sales_invoice_lines" in seller_codes and "receivables" not in seller_codes
        assert "receivables" in {d.code for d in datasets_for(self.s["gm"])}
        with pytest.raises(PermissionDenied):
            builder.spec_parse("receivables", {}, user=self.s["seller"])

    def test_a_registered_dataset_refuses_a_different_one_under_its_code(self):
        from django.core.exceptions import ImproperlyConfigured

        from erp.reports.registry import dataset_get

        known = dataset_get("stock_moves")
        dataset_register(known)  # the same again: no-op
        other = Dataset(
            code="stock_moves",
            label="x",
            permission="inventory.view_stockmove",
            base=known.base,
            fields=(Field("x", "pk", "x", "num"),),
        )
        with pytest.raises(ImproperlyConfigured):
            dataset_register(other)

    def test_saved_report_keeps_its_grouping_round_trip(self):
        report = saved_report_save(
            actor=self.s["gm"],
            name="按分类按月收入",
            dataset="sales_invoice_lines",
            spec=REVENUE_BY_CATEGORY_MONTH,
            shared=True,
        )
        report.refresh_from_db()
        assert report.spec["group_by"] == ["category", "month"]
        assert report.spec["sums"] == ["net_amount", "quantity"]
        # Opening it runs the same definition.
        self.client.force_login(self.s["sm"])  # shared: a colleague sees it
        response = self.client.get(reverse("reports:saved_open", args=[report.pk]), follow=True)
        html = response.content.decode()
        assert response.status_code == 200 and "按分类按月收入" in html
        assert "¥1,000.00" in html and "¥1,500.00" in html
        # Only the owner changes or deletes it.
        with pytest.raises(NotFound):
            saved_report_delete(actor=self.s["fm"], report_id=report.pk)
        saved_report_delete(actor=self.s["gm"], report_id=report.pk)
        assert not SavedReport.objects.exists()

    def test_saving_needs_the_permission_and_a_valid_spec(self):
        with pytest.raises(PermissionDenied):  # a salesperson runs reports but saves none
            saved_report_save(
                actor=self.s["seller"], name="x", dataset="sales_invoice_lines", spec={}
            )
        with pytest.raises(ValidationFailed):
            saved_report_save(
                actor=self.s["gm"],
                name="x",
                dataset="sales_invoice_lines",
                spec={"columns": ["nope"]},
            )
        with pytest.raises(ValidationFailed):
            saved_report_save(actor=self.s["gm"], name=" ", dataset="sales_invoice_lines", spec={})
        assert not SavedReport.objects.exists()

    def test_private_reports_stay_private(self):
        report = saved_report_save(
            actor=self.s["gm"], name="我的", dataset="sales_invoice_lines", spec={}
        )
        self.client.force_login(self.s["sm"])
        assert self.client.get(reverse("reports:saved_open", args=[report.pk])).status_code == 404

    def test_builder_page_save_run_export(self):
        self.client.force_login(self.s["gm"])
        url = reverse("reports:builder")
        assert self.client.get(url).status_code == 200
        query = {"dataset": "sales_invoice_lines", **REVENUE_BY_CATEGORY_MONTH}
        with self.assertNumQueries(10):
            response = self.client.get(url, query)
        assert response.status_code == 200 and "产成品" in response.content.decode()
        response = self.client.post(
            reverse("reports:saved_save"), {**query, "name": "分类月报", "shared": "on"}
        )
        assert response.status_code == 302
        report = SavedReport.objects.get()
        assert report.shared and report.spec["group_by"] == ["category", "month"]
        response = self.client.get(url, {**query, "export": "xlsx"})
        wb = load_workbook(io.BytesIO(response.content))
        rows = list(wb.active.iter_rows(values_only=True))
        assert rows[-1][0] == "合计" or rows[-1][0] == "Total"
        response = self.client.get(url, {"dataset": "sales_invoice_lines", "columns": ["nope"]})
        assert response.status_code == 400
