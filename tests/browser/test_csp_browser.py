"""The Content-Security-Policy blocks nothing the pages need (issue 11 point 8).

A real Chromium opens the pages that carried inline scripts or event-handler attributes before
(lists, record forms with pickers, the ECharts report, the token page, the API docs) and
records every `securitypolicyviolation` event and every console message naming the policy;
the behaviours moved to data-* attributes (select all, confirm before revoking) still work.
Debian's /usr/bin/chromium through Playwright (never `playwright install`)."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM

PASSWORD = "pw-Browser-2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]

# Runs before any page script (added through the DevTools protocol, so the policy allows it).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(" "));
});
"""


@pytest.fixture
def watched_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(30_000)
    console = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
    yield page, console
    context.close()


def _violations(page, console) -> list[str]:
    recorded = page.evaluate("window.__csp || []")
    return recorded + [m for m in console if "Content Security Policy" in m or "pageerror" in m]


def test_pages_run_without_policy_violations(live_server, watched_page, make_user):
    from playwright.sync_api import expect

    from erp.iam.services.tokens import api_token_create
    from erp.masterdata.models import Material, MaterialCategory, Unit

    admin = make_user("admin", "admin", password=PASSWORD, full_name="系统管理员")
    api_token_create(actor=admin, name="扫码枪")
    kg = Unit.objects.create(code="kg", name="千克", kind="mass")
    resin = MaterialCategory.objects.create(code="RM", name="树脂")
    for code in ("RM-1001", "RM-1002"):
        Material.objects.create(
            code=code,
            name=f"环氧树脂 {code}",
            category=resin,
            base_unit=kg,
            inventory_type="raw",
            procurement="buy",
            shelf_life_days=365,
        )
    page, console = watched_page
    url = live_server.url

    page.goto(url + reverse("iam:login"))
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.locator("form button").filter(has_text="登录").click()
    expect(page.locator("h1")).to_contain_text("您好")

    # A list: the select-all box (was onclick=) ticks every row.
    page.goto(url + reverse("masterdata:material_list"))
    expect(page.locator("table tbody tr")).to_have_count(2)
    page.locator("input[data-select-all]").check()
    expect(page.locator(".erp-row-check:checked")).to_have_count(2)

    # A record form with pickers and a line set (static/erp/picker.js and lines.js, were
    # inline): adding a line fetches a row through htmx and lines.js numbers it.
    page.goto(url + reverse("masterdata:material_create"))
    rows = page.locator(".erp-line-set tr.erp-line:not(.d-none)")
    before = rows.count()
    page.locator(".erp-line-add").first.click()
    expect(rows).to_have_count(before + 1)

    # The ECharts report (static/erp/chart.js, was inline) draws its canvas.
    page.goto(url + reverse("inventory:report_accuracy"))
    expect(page.locator("#erp-chart canvas").first).to_be_attached()

    # The token page: revoking asks first (data-confirm, was onsubmit=); "no" keeps the token.
    page.goto(url + reverse("iam:api_tokens"))
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="吊销").click()
    expect(page.locator("tbody .badge")).to_have_text("启用")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="吊销").click()
    expect(page.locator("tbody .badge")).to_have_text("已吊销")

    # The API docs (ninja's Swagger UI, from its own static files).
    page.goto(url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()

    assert _violations(page, console) == []


def test_an_injected_inline_script_is_blocked(live_server, watched_page, make_user):
    """The policy really bites: markup that slipped through escaping would not run."""
    page, console = watched_page
    make_user("admin", "admin", password=PASSWORD)
    page.goto(live_server.url + reverse("iam:login"))
    page.evaluate(
        """() => {
          const div = document.createElement("div");
          div.innerHTML = '<img src="x.png" onerror="window.__ran = true">';
          document.body.appendChild(div);
        }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in _violations(page, console))
