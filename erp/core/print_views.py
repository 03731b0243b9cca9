"""A sample print (记账凭证 layout with 大写金额), to check fonts, layout and the PDF pipeline
on a real installation before any module prints its own documents."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from erp.core.printing import pdf_response


def sample_voucher(prepared_by: str = "") -> dict:
    # Sample document content (data, like a customer's name), not interface text.
    lines = [
        {
            "summary": "销售聚氨酯胶粘剂 PU-200",
            "account": "1122 应收账款 — 苏州恒达包装有限公司",
            "debit": Decimal("113000.00"),
            "credit": None,
        },
        {
            "summary": "销售聚氨酯胶粘剂 PU-200",
            "account": "6001 主营业务收入",
            "debit": None,
            "credit": Decimal("100000.00"),
        },
        {
            "summary": "销项税额 13%",
            "account": "222101 应交税费 — 应交增值税（销项税额）",
            "debit": None,
            "credit": Decimal("13000.00"),
        },
    ]
    return {
        "number": "记-202603-0001",
        "date": dt.date(2026, 3, 1),
        "attachments": 2,
        "lines": lines,
        "total": sum((line["debit"] or Decimal(0) for line in lines), Decimal(0)),
        "prepared_by": prepared_by,
    }


def print_sample(request: HttpRequest) -> HttpResponse:
    voucher = sample_voucher(prepared_by=str(request.user))
    return pdf_response(
        request,
        template_name="print/voucher_sample.html",
        context={"voucher": voucher},
        filename=_("sample-voucher") + ".pdf",
    )
