"""Pure voucher builder of the purchase invoice (no database): document facts → VoucherDraft.

Dr 暂估应付款 (supplier)   the receipt value the invoice clears (GR/IR)
Dr 进项税额                the invoice's VAT
Dr/Cr price variance       invoice net − receipt value (材料成本差异 1404 in the enterprise
                           chart), debit when the invoice is dearer than the order
Cr 应付货款 (supplier)     the invoice's total incl. VAT: the payable a 付款单 settles
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from erp.core.voucher_drafts import DraftLine, VoucherDraft

ZERO = Decimal("0")
INPUT_VAT = "22210101"


@dataclass(frozen=True)
class InvoiceFacts:
    invoice_id: int
    number: str
    date: dt.date
    supplier_id: int
    supplier_name: str
    grir: Decimal
    tax: Decimal
    variance: Decimal
    gross: Decimal


@dataclass(frozen=True)
class InvoiceAccounts:
    grir: str  # 220202 暂估应付款
    payable: str  # 220201 应付货款
    variance: str  # 1404 材料成本差异


def invoice_voucher_draft(facts: InvoiceFacts, accounts: InvoiceAccounts) -> VoucherDraft:
    summary = f"采购发票 {facts.number} {facts.supplier_name}"[:200]
    supplier = facts.supplier_id
    lines = [
        DraftLine(summary, accounts.grir, debit=facts.grir, supplier_id=supplier),
        DraftLine(summary, INPUT_VAT, debit=facts.tax),
    ]
    if facts.variance > 0:
        lines.append(DraftLine(summary, accounts.variance, debit=facts.variance))
    elif facts.variance < 0:
        lines.append(DraftLine(summary, accounts.variance, credit=-facts.variance))
    lines.append(DraftLine(summary, accounts.payable, credit=facts.gross, supplier_id=supplier))
    return VoucherDraft(
        date=facts.date,
        word="转",
        lines=tuple(x for x in lines if x.debit or x.credit),
        source_type="purchasing.purchaseinvoice",
        source_id=str(facts.invoice_id),
        source_number=facts.number,
    )
