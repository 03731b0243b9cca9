"""Issue #12 done-when, in a real browser and without `erp shell` or the demo loader:
empty database → set-up wizard → a department, an expense category, a posting rule and a user
(the accountant) → master data and a one-row import of each opening kind (GL, AR, AP, stock)
through the /golive/ import pages → the accountant reviews the opening vouchers → green
tie-out → lock → one 其他入库 posted with the accounts of the posting rule set up in the
browser.

Expected books, by hand (go-live = the first of the current month, opening day = the day
before):
- opening stock 10 kg RM-1 × ¥5.00 = ¥50.00: Dr 1403 原材料 50.00 / Cr 410415 未分配利润 50.00
- opening AR C-001 ¥300.00: Dr 1122 应收账款 300.00 / Cr 410415 300.00
- opening AP S-001 ¥200.00: Dr 410415 200.00 / Cr 2202xx 应付账款 200.00
- GL: Dr 1002 银行存款 1,000.00 / Cr 4001 实收资本 1,000.00
- after the lock, 其他入库 4 kg RM-1 × ¥5.00 = ¥20.00 under the rule (入库, RM) → Dr 1403 20.00
  / Cr 2241 其他应付款 20.00 (not the default 1901).
Screenshots go to $ERP_SCREENSHOT_DIR when set."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.chromium import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]
SHOTS = os.environ.get("ERP_SCREENSHOT_DIR", "")
ADMIN_PW = "Go-Live-2026!x"
INITIAL_PW = "Kuaiji-Start-2026!"
OWN_PW = "Kuaiji-Own-2026!z"


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _import(page, url: str, spec_key: str, rows: list[list], tmp_path: Path) -> None:
    """Upload a one-sheet workbook on the spec's import page, check, confirm."""
    from playwright.sync_api import expect

    from erp.golive.importing.spec import spec_get
    from erp.golive.tests.workbooks import filled

    spec = spec_get(spec_key)
    path = tmp_path / f"{spec.slug}.xlsx"
    path.write_bytes(filled(spec, rows))
    page.goto(url + reverse(f"golive:import_{spec.slug}"))
    page.set_input_files("input[type=file]", str(path))
    page.locator("form button[type=submit]").filter(has_text="上传并校验").click()
    confirm = page.locator("#confirm-import")
    if not confirm.count():
        page.wait_for_load_state()
    assert confirm.count(), f"{spec_key}: {page.inner_text('main')[:1500]}"
    confirm.click()
    expect(page.locator("#erp-messages, .alert-success").first).to_be_visible()


def _choose(page, field_id: str, pk: int, code: str) -> None:
    """A plain select, or a record picker (type the code, click the option)."""
    field = page.locator(f"#{field_id}")
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(str(pk))
        return
    field.fill(code)
    page.locator(f"#{field_id} ~ .erp-picker-menu .erp-picker-option").filter(
        has_text=code
    ).first.click()


def _row(spec_key: str, **values) -> list:
    from erp.golive.importing.spec import spec_get

    return [values.get(c.field) for c in spec_get(spec_key).columns]


def test_empty_database_to_locked_go_live_and_first_stock_document(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    from erp.accounting.models import ExpenseCategory, PostingRule, Voucher
    from erp.golive.models import CutOver
    from erp.iam.models import Department, User

    url = live_server.url
    go_live = timezone.localdate().replace(day=1)
    g = go_live.isoformat()
    opening_day = go_live - timezone.timedelta(days=1)

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)

    # 1. The wizard (the database is empty).
    page.goto(url + "/")
    expect(page).to_have_url(url + "/golive/setup/")
    page.fill("#id_company_name", "苏州新材料有限公司")
    page.check("input[name=standard][value=enterprise]")
    page.fill("#id_first_period", f"{go_live:%Y-%m}")
    page.fill("#id_admin_username", "boss")
    page.fill("#id_admin_full_name", "王建国")
    page.fill("#id_admin_password", ADMIN_PW)
    page.fill("#id_admin_password2", ADMIN_PW)
    page.get_by_role("button", name="完成设置").click()
    expect(page).to_have_url(url + "/golive/cockpit/")

    # 2. A department, then the accountant with an initial password.
    page.goto(url + reverse("iam:department_list"))
    page.get_by_role("link", name="新建部门").click()
    page.fill("#id_code", "fin")
    page.fill("#id_name", "财务部")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("table")).to_contain_text("财务部")
    page.goto(url + reverse("iam:user_create"))
    page.fill("#id_username", "kuaiji")
    page.fill("#id_full_name", "赵敏")
    page.fill("#id_password", INITIAL_PW)
    page.select_option("#id_department", str(Department.objects.get(code="fin").pk))
    page.get_by_label("会计", exact=True).check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#erp-messages")).to_contain_text("kuaiji")
    assert User.objects.get(username="kuaiji").must_change_password

    # 3. Master data through the import pages.
    tp = tmp_path
    _import(
        page,
        url,
        "masterdata.unit",
        [_row("masterdata.unit", code="kg", name="千克", kind="mass")],
        tp,
    )
    _import(
        page,
        url,
        "masterdata.category",
        [_row("masterdata.category", code="RM", name="原材料")],
        tp,
    )
    _import(
        page,
        url,
        "masterdata.warehouse",
        [[*_row("masterdata.warehouse", code="WH1", name="原料仓")[:4], "A-01", "A区货位"]],
        tp,
    )
    _import(
        page,
        url,
        "masterdata.material",
        [
            _row(
                "masterdata.material",
                code="RM-1",
                name="环氧树脂",
                category="RM",
                inventory_type="raw",
                procurement="buy",
                base_unit="kg",
                batch_managed="否",
            )
        ],
        tp,
    )
    customer = _row("masterdata.customer", code="C-001", name="常州涂料厂")
    customer[11] = "李经理"  # the contact's name (second "name" column)
    _import(page, url, "masterdata.customer", [customer], tp)
    supplier = _row("masterdata.supplier", code="S-001", name="南通化工")
    supplier[12] = "张经理"
    _import(page, url, "masterdata.supplier", [supplier], tp)

    # 4. An expense category and a posting rule (with its preview voucher) in the browser.
    page.goto(url + reverse("accounting:expense_category_create"))
    page.fill("#id_code", "TRAVEL")
    page.fill("#id_name", "差旅费")
    page.select_option("#id_account", value="6602")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-category=TRAVEL]")).to_contain_text("6602")
    _shot(page, "expense-categories-desktop")
    assert ExpenseCategory.objects.get().account.code == "6602"

    page.goto(url + reverse("accounting:posting_rule_create"))
    page.select_option("#id_event", value="stock_receipt")
    page.select_option("#id_category_code", value="RM")
    page.select_option("#id_debit_account", value="1403")
    page.select_option("#id_credit_account", value="2241")
    expect(page.locator("[data-preview]")).to_contain_text("2241")
    _shot(page, "posting-rule-desktop")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-rule=stock_receipt]").first).to_be_visible()
    assert PostingRule.objects.get(category_code="RM").credit_account.code == "2241"

    # 5. One row of each opening import, dated by the go-live date.
    _import(
        page,
        url,
        "inventory.opening_stock",
        [
            _row(
                "inventory.opening_stock",
                go_live_date=g,
                warehouse="WH1",
                location_code="A-01",
                material="RM-1",
                quantity=10,
                unit_cost=5,
            )
        ],
        tp,
    )
    _import(
        page,
        url,
        "accounting.opening_ar",
        [
            _row(
                "accounting.opening_ar",
                go_live_date=g,
                customer="C-001",
                number="XS-0001",
                doc_date=opening_day.isoformat(),
                amount=300,
            )
        ],
        tp,
    )
    _import(
        page,
        url,
        "accounting.opening_ap",
        [
            _row(
                "accounting.opening_ap",
                go_live_date=g,
                supplier="S-001",
                number="CG-0001",
                doc_date=opening_day.isoformat(),
                amount=200,
            )
        ],
        tp,
    )
    _import(
        page,
        url,
        "accounting.opening_balance",
        [
            _row("accounting.opening_balance", go_live_date=g, account="1002", debit=1000),
            _row("accounting.opening_balance", go_live_date=g, account="4001", credit=1000),
        ],
        tp,
    )
    openings = Voucher.objects.filter(source_type__startswith="golive.opening")
    assert openings.count() == 4

    # 6. The tie-out balances but the opening vouchers are not reviewed yet: no lock.
    page.goto(url + "/golive/cockpit/")
    expect(page.locator("[data-check=stock] .bi-check-circle-fill")).to_have_count(1)
    expect(page.locator("[data-check=reviewed] .bi-x-circle-fill")).to_have_count(1)
    expect(page.get_by_role("button", name="锁定上线切换")).to_be_disabled()

    # 7. The accountant logs in, must change the initial password, reviews the four vouchers.
    second = browser.new_context(viewport={"width": 375, "height": 800})
    acc = second.new_page()
    acc.set_default_timeout(30_000)
    acc.goto(url + reverse("iam:login"))
    acc.fill("#id_username", "kuaiji")
    acc.fill("#id_password", INITIAL_PW)
    acc.locator("form button").filter(has_text="登录").click()
    expect(acc).to_have_url(url + reverse("iam:password_change") + "?first=1")
    acc.fill("#id_old_password", INITIAL_PW)
    acc.fill("#id_new_password1", OWN_PW)
    acc.fill("#id_new_password2", OWN_PW)
    acc.get_by_role("button", name="修改密码").click()
    for voucher in openings.order_by("pk"):
        acc.goto(url + reverse("accounting:voucher_detail", args=[voucher.pk]))
        acc.get_by_role("button", name="审核", exact=True).click()
        expect(acc.locator("body")).to_contain_text("赵敏")
    assert not openings.filter(reviewed_by__isnull=True).exists()
    second.close()

    # 8. Green tie-out → lock.
    page.goto(url + "/golive/cockpit/")
    expect(page.locator("[data-check=reviewed] .bi-check-circle-fill")).to_have_count(1)
    page.get_by_role("button", name="锁定上线切换").click()
    expect(page.locator("[data-item=locked] .bi-check-circle-fill")).to_have_count(1)
    assert CutOver.objects.get().locked
    _shot(page, "cockpit-locked-desktop")

    # 9. The first stock document after go-live posts with the rule set up in step 4.
    from erp.masterdata.models import Location, Material, Warehouse

    page.goto(url + reverse("inventory:otherreceipt_create"))
    _choose(page, "id_warehouse", Warehouse.objects.get(code="WH1").pk, "WH1")
    _choose(page, "id_lines-0-material", Material.objects.get(code="RM-1").pk, "RM-1")
    page.fill("#id_lines-0-quantity", "4")
    _choose(page, "id_lines-0-location", Location.objects.get(code="A-01").pk, "A-01")
    page.fill("#id_lines-0-unit_cost", "5")
    page.locator("#erp-record-form button[type=submit]").click()
    page.once("dialog", lambda dialog: dialog.accept())  # "post this document?"
    page.locator("button[data-action=post]").click()
    expect(page.locator("#erp-messages")).to_contain_text("已过账")
    voucher = Voucher.objects.get(source_type="inventory.otherreceipt")
    lines = {(ln.account.code, ln.debit, ln.credit) for ln in voucher.lines.all()}
    assert lines == {("1403", Decimal("20.00"), 0), ("2241", 0, Decimal("20.00"))}
    page.goto(url + reverse("accounting:voucher_detail", args=[voucher.pk]))
    expect(page.locator("body")).to_contain_text("2241")
    _shot(page, "first-receipt-voucher-desktop")

    # The finance pages at 375 px.
    page.set_viewport_size({"width": 375, "height": 800})
    for name, path in (
        ("posting-rules-375", reverse("accounting:posting_rules")),
        ("expense-categories-375", reverse("accounting:expense_categories")),
        ("periods-375", reverse("accounting:period_list")),
    ):
        page.goto(url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 380, f"{path} scrolls sideways at 375 px ({width} px)"
        _shot(page, name)
    context.close()
