"""The administrator in a browser: a broken line is named by the check (htmx) and marked in
the line numbers; the fixed template with three copy captions is saved as version 2 and
activated; version 1 is restored. Screenshots go to $ERP_SHOTS (optional)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from erp.printing.services import templates as svc
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

SHOTS = os.environ.get("ERP_SHOTS", "")
PASSWORD = "pw-Browser-2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]


@pytest.fixture
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_admin_checks_saves_activates_and_restores(live_server, browser, make_user, receipt):
    from playwright.sync_api import expect

    admin = make_user("li.admin", "admin", password=PASSWORD, full_name="李管理")
    template = svc.print_template_create(
        actor=admin, doc_type="inventory.otherreceipt", name="入库单"
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live_server.url + reverse("iam:login"))
    page.fill("#id_username", "li.admin")
    page.fill("#id_password", PASSWORD)
    page.locator("form .btn-primary").first.click()
    page.goto(live_server.url + reverse("printing:template_edit", args=[template.pk]))
    body = template.active_version.body
    page.fill("#id_body", body + "\n{{ doc.no_such_field }}")
    page.get_by_role("button", name="检查").click()
    line = body.count("\n") + 2
    expect(page.locator("#check-result .alert-danger")).to_contain_text(f"模板第 {line} 行")
    expect(page.locator(".erp-code-gutter .err")).to_have_text(str(line))
    _shot(page, "printing-editor-error")
    page.fill("#id_body", body)
    page.get_by_role("button", name="检查").click()
    expect(page.locator("#check-result .alert-success")).to_be_visible()
    preview = page.frame_locator("iframe.erp-live-preview")
    expect(preview.locator("h1")).to_contain_text("其他入库单")
    expect(preview.locator("body")).to_contain_text("{{7*7}} 来料")  # literally
    _shot(page, "printing-editor-preview")
    page.fill("#id_copies", "存根联\n客户联\n回单联")
    page.fill("#id_note", "三联")
    page.get_by_role("button", name="保存为新版本").click()
    expect(page.locator("#template-versions")).to_contain_text("v2")
    page.locator("#template-versions tr", has_text="v2").get_by_role("button", name="启用").click()
    expect(page.locator("#template-versions tr", has_text="v2")).to_contain_text("生效")
    page.locator("#template-versions tr", has_text="v1").get_by_role("button", name="恢复").click()
    expect(page.locator("#template-versions tr", has_text="v3")).to_contain_text("生效")
    _shot(page, "printing-versions")
    template.refresh_from_db()
    assert template.active_version.number == 3 and template.active_version.copies == ""
    context.close()
