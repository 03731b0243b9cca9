"""WeasyPrint's layout is bounded in time (the sandbox bounds only the HTML): a template that
renders within the sandbox's limits but takes too long to lay out is refused at save with a
clear message, and a print with it stops in bounded time and prints the built-in layout."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from erp.printing.models import PrintLog, PrintTemplateVersion
from erp.printing.rendering import pdf_bounded
from erp.printing.sandbox import PrintTemplateError
from erp.printing.services import templates as svc

DOC = "inventory.otherreceipt"
# Renders fast in the sandbox (10,000 short iterations), takes WeasyPrint minutes to lay out.
HUGE = (
    "<table>{% for i in range(10000) %}<tr><td>{{ i }}</td><td>行</td><td>x</td><td>y</td>"
    "</tr>{% endfor %}</table>"
)


@override_settings(PRINT_PDF_SECONDS=1)
def test_a_huge_template_is_refused_at_save_in_bounded_time(admin_user, receipt):
    template = svc.print_template_create(actor=admin_user, doc_type=DOC, name="入库单")
    started = time.monotonic()
    with translation.override("zh-hans"), pytest.raises(PrintTemplateError) as caught:
        svc.print_template_version_save(actor=admin_user, template_id=template.pk, body=HUGE)
    assert time.monotonic() - started < 20
    assert "排版 PDF 超过 1 秒" in str(caught.value.message)
    assert template.versions.count() == 1  # data unchanged


@override_settings(PRINT_PDF_SECONDS=1)
def test_a_huge_active_version_prints_the_builtin_layout_in_bounded_time(
    client, admin_user, keeper, receipt
):
    template = svc.print_template_create(actor=admin_user, doc_type=DOC, name="入库单")
    huge = PrintTemplateVersion.objects.create(
        template=template, number=2, body=HUGE, created_by=admin_user
    )  # as if saved before the bound existed
    template.active_version = huge
    template.save(update_fields=["active_version"])
    client.force_login(keeper)
    started = time.monotonic()
    response = client.get(reverse("inventory:otherreceipt_print", args=[receipt.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert time.monotonic() - started < 40
    assert PrintLog.objects.get().version is None  # logged as the built-in layout


def test_a_normal_pdf_comes_back_from_the_worker():
    pdf = pdf_bounded("<p>送货单</p>")
    assert pdf.startswith(b"%PDF")
