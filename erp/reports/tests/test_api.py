"""/api/v1/reports/: the same figures as the pages, permission-aware, builder keys checked."""

from django.test import Client, TestCase

import config.urls  # noqa: F401  (mounts the app routers on the API)
from erp.reports.tests import scenario


def _client(user) -> Client:
    from erp.iam.services.tokens import api_token_create

    _token, secret = api_token_create(actor=user, name="bi")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


class ApiTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.s = scenario.build()

    def test_dashboard_and_sales(self):
        api = _client(self.s["gm"])
        body = api.get("/api/v1/reports/dashboard").json()
        kpis = {k["code"]: k for k in body["kpis"]}
        assert kpis["revenue"]["value"] == "1500.00" and kpis["margin"]["value"] == "1280.00"
        assert kpis["overdue"]["value"] == "300.00" and kpis["quarantine"]["value"] == "1"
        rows = api.get("/api/v1/reports/sales", {"dim": "customer"}).json()
        east = next(r for r in rows if r["label"] == "华东涂装")
        assert (east["revenue"], east["cost"], east["margin"]) == ("1000.00", "120.00", "880.00")
        assert api.get("/api/v1/reports/dashboard", {"month": "2026-13"}).status_code in (400, 422)

    def test_builder_run_and_refusals(self):
        api = _client(self.s["gm"])
        spec = {"group_by": ["category"], "sums": ["net_amount"], "period": "this_month"}
        response = api.post(
            "/api/v1/reports/builder/run",
            {"dataset": "sales_invoice_lines", "spec": spec},
            content_type="application/json",
        )
        body = response.json()
        assert body["rows"] == [["产成品", "1000.00", 1], ["清漆", "500.00", 1]]
        assert body["totals"] == ["1500.00", 2]
        bad = api.post(
            "/api/v1/reports/builder/run",
            {"dataset": "sales_invoice_lines", "spec": {"columns": ["customer__credit_limit"]}},
            content_type="application/json",
        )
        assert bad.status_code == 400 and bad.json()["code"] == "report_field_refused"

    def test_a_salesperson_gets_403_and_sees_only_his_datasets(self):
        api = _client(self.s["seller"])
        assert api.get("/api/v1/reports/dashboard").status_code == 403
        assert api.get("/api/v1/reports/datasets").status_code == 403  # no reports role
        codes = {d["code"] for d in _client(self.s["sm"]).get("/api/v1/reports/datasets").json()}
        assert "sales_invoice_lines" in codes and "receivables" not in codes
