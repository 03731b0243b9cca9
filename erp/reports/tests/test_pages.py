"""The report pages for a user: render, drill links, xlsx exports, permissions, query pins."""

import io

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from erp.reports.tests import scenario
from erp.reports.tests.scenario import TODAY


def _sheet(response) -> list[list]:
    wb = load_workbook(io.BytesIO(response.content))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


class PagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.s = scenario.build()

    def setUp(self):
        self.client.force_login(self.s["gm"])

    def _get(self, url, max_queries=None, **params):
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url, params)
        assert response.status_code == 200, response.content[:500]
        if max_queries is not None:
            assert len(ctx.captured_queries) <= max_queries, [
                q["sql"] for q in ctx.captured_queries
            ]
        return response

    def test_dashboard_shows_the_month_and_links_each_tile(self):
        response = self._get(reverse("reports:dashboard"), max_queries=32)
        html = response.content.decode()
        assert "¥1,500.00" in html and "¥1,280.00" in html and "¥1,780.00" in html
        assert 'id="erp-kpi-revenue"' in html and reverse("reports:drill", args=["revenue"]) in html
        assert "¥300.00" in html  # overdue receivables

    def test_every_analysis_renders_and_exports(self):
        for name, dims in (
            ("reports:sales", ["customer", "material", "category", "salesperson", "month"]),
            ("reports:profit", ["material", "customer", "month"]),
            ("reports:purchasing", ["supplier", "material", "category"]),
            ("reports:stock", [""]),
            ("reports:production", [""]),
        ):
            for dim in dims:
                params = {"dim": dim} if dim else {}
                self._get(reverse(name), max_queries=20, **params)
                response = self._get(reverse(name), export="xlsx", **params)
                assert response["Content-Type"].startswith("application/vnd.openxmlformats")

    def test_an_unfiltered_page_shows_the_dates_it_counts(self):
        from erp.reports.periods import month_end, month_start

        html = self._get(reverse("reports:sales")).content.decode()
        assert f'value="{month_start(TODAY).isoformat()}"' in html
        assert f'value="{month_end(TODAY).isoformat()}"' in html

    def test_sales_page_compares_with_the_period_before_and_last_year(self):
        html = self._get(reverse("reports:sales"), max_queries=20, dim="customer").content.decode()
        assert "环比 %" in html and "同比 %" in html and "¥1,000.00" in html

    def test_profit_page_figures_link_to_their_documents(self):
        html = self._get(reverse("reports:profit"), dim="customer").content.decode()
        assert "¥880.00" in html and "¥120.00" in html
        assert f"customer={self.s['east'].pk}" in html

    def test_drill_page_lists_numbers_links_and_vouchers(self):
        url = reverse("reports:drill", args=["revenue"])
        params = {
            "date_from": TODAY.isoformat(),
            "date_to": TODAY.isoformat(),
            "customer": self.s["east"].pk,
        }
        html = self._get(url, max_queries=12, **params).content.decode()
        inv = self.s["inv1"]
        assert inv.number in html and reverse("sales:salesinvoice_detail", args=[inv.pk]) in html
        assert self.s["inv2"].number not in html
        assert inv.voucher.number in html
        rows = _sheet(self._get(url, export="xlsx", **params))
        assert any(r[0] and inv.number in r[0] for r in rows)
        assert any(r[3] == 1000 for r in rows if r[3] is not None and not isinstance(r[3], str))

    def test_receipts_drill_narrows_by_the_purchasing_row(self):
        # The scenario buys nothing: every purchasing row drills to an empty list, in words.
        url = reverse("reports:drill", args=["receipts"])
        for params in ({}, {"p_supplier": 1}, {"p_category": 0}):
            response = self._get(url, max_queries=12, **params)
            assert "¥0.00" in response.content.decode() or "0.00" in response.content.decode()
        assert self.client.get(url, {"p_material": "x"}).status_code == 400

    def test_reports_print_as_pdf(self):
        for url, params in (
            (reverse("reports:profit"), {"dim": "customer"}),
            (reverse("reports:drill", args=["cost"]), {}),
        ):
            response = self._get(url, export="pdf", **params)
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")

    def test_export_is_formula_injection_safe(self):
        from erp.masterdata.models import Customer

        Customer.objects.filter(pk=self.s["east"].pk).update(name='=HYPERLINK("http://x")')
        rows = _sheet(self._get(reverse("reports:sales"), dim="customer", export="xlsx"))
        names = [r[0] for r in rows]
        assert '\'=HYPERLINK("http://x")' in names

    def test_a_salesperson_may_not_see_the_management_pack(self):
        self.client.force_login(self.s["seller"])
        for name in ("reports:dashboard", "reports:sales", "reports:profit", "reports:daily"):
            assert self.client.get(reverse(name)).status_code == 403
        response = self.client.get(
            reverse("reports:drill", args=["revenue"]), {"date_from": TODAY, "date_to": TODAY}
        )
        assert response.status_code == 403

    def test_a_sales_manager_may(self):
        self.client.force_login(self.s["sm"])
        assert self.client.get(reverse("reports:sales")).status_code == 200

    def test_bad_filters_are_refused_in_words(self):
        response = self.client.get(reverse("reports:sales"), {"date_from": "2026-13-01"})
        assert response.status_code == 400
        response = self.client.get(reverse("reports:drill", args=["revenue"]), {"date_from": "x"})
        assert response.status_code == 400
        assert self.client.get(reverse("reports:drill", args=["nope"]), {}).status_code == 404
        # A month that is not one is refused, not silently replaced by this month.
        for month in ("2026-13", "march", "2026-3-x"):
            response = self.client.get(reverse("reports:dashboard"), {"month": month})
            assert response.status_code == 400, month
            assert "2026-03" in response.content.decode()
        response = self.client.get(reverse("reports:dashboard"), {"month": "2026-03"})
        assert response.status_code == 200
