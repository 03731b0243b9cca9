"""The voucher (记账凭证), the customer receipt and the supplier payment print through the
user's print templates (erp.printing) like every other document: the shipped layout as the
template, the PDF read back with pdftotext, the print log with the template version, 重打 on
the second print; without a template the built-in layout still prints."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest

from erp.accounting.models import CustomerReceipt, OpenItem
from erp.accounting.services import arap
from erp.accounting.services.gate import voucher_post
from erp.printing.models import Orientation, Paper, PrintLog
from erp.printing.services import templates as svc

from .conftest import draft

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def squeezed(pdf: bytes) -> str:
    return "".join(pdf_text(pdf).split())


def test_the_voucher_prints_through_its_template_and_says_reprint(
    client, books, accountant, admin_user
):
    voucher = voucher_post(actor=books, draft=draft("1234.50"))
    template = svc.print_template_create(
        actor=admin_user,
        doc_type="accounting.voucher",
        name="记账凭证 A5",
        body=svc.default_body("voucher"),
        paper=Paper.A5,
        orientation=Orientation.LANDSCAPE,
        margins="10 12 10 12",
    )
    client.force_login(accountant)
    url = f"/accounting/vouchers/{voucher.pk}/print/"
    first = squeezed(client.get(url).content)
    assert "记账凭证" in first and "收到投资" in first
    assert "1002" in first and "4001" in first and "¥1,234.50" in first
    assert "壹仟贰佰叁拾肆元伍角" in first and f"字第{voucher.seq:04d}号" in first
    assert "会计期间：" in first and "审核：" in first and "记账：" in first
    assert "重打" not in first
    second = squeezed(client.get(url).content)
    assert "重打1" in second
    logs = PrintLog.objects.filter(doc_type="accounting.voucher").order_by("pk")
    assert [(g.print_no, g.version_id) for g in logs] == [
        (1, template.active_version_id),
        (2, template.active_version_id),
    ]


def test_without_a_template_the_voucher_keeps_its_builtin_layout(client, books, accountant):
    voucher = voucher_post(actor=books, draft=draft("100.00"))
    client.force_login(accountant)
    text = squeezed(client.get(f"/accounting/vouchers/{voucher.pk}/print/").content)
    assert "记账凭证" in text and "收到投资" in text


@pytest.fixture
def receipt(books):
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.masterdata.models import Customer

    numbering_rules_ensure_defaults()
    customer = Customer.objects.create(code="C-001", name="{{7*7}} <script>华东化工")
    arap.opening_arap_post(
        actor=books,
        kind="receivable",
        go_live=dt.date(2026, 2, 1),
        items=[arap.OpeningItem(customer.pk, "INV-2", dt.date(2026, 1, 10), Decimal("500.00"))],
    )
    return customer


def test_the_receipt_prints_through_its_template(client, receipt, accountant, admin_user):
    item = OpenItem.objects.get(source_number="INV-2")
    client.force_login(accountant)
    client.post(
        "/accounting/arap/receipts/new/",
        {"partner": receipt.pk, "date": "2026-02-10", "amount": "500.00", "bank": "1002",
         f"alloc_{item.pk}": "500.00"},
    )  # fmt: skip
    doc = CustomerReceipt.objects.get()
    svc.print_template_create(actor=admin_user, doc_type="accounting.customerreceipt", name="A4")
    text = squeezed(client.get(f"/accounting/arap/receipts/{doc.pk}/print/").content)
    assert "客户收款" in text and "INV-2" in text and "¥500.00" in text and "伍佰元整" in text
    assert "{{7*7}}<script>华东化工" in text and "49" not in text.replace("2026", "")
    log = PrintLog.objects.get(doc_type="accounting.customerreceipt")
    assert log.version_id is not None


def test_payment_and_receipt_and_voucher_are_template_types():
    from erp.printing.selectors import printable_kit

    for label in ("accounting.voucher", "accounting.customerreceipt", "accounting.supplierpayment"):
        assert printable_kit(label) is not None, label
