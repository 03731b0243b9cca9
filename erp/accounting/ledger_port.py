"""Accounting's implementation of the general-ledger port (erp/core/ledger.py), registered in
AccountingConfig.ready(): what sales, purchasing and later modules call to post."""

from decimal import Decimal

from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

ZERO = Decimal("0")
_AMT = DecimalField(max_digits=18, decimal_places=2)


class AccountingLedger:
    def post_for_source(self, *, actor, draft):
        from erp.accounting.services.gate import voucher_post_for_source

        return voucher_post_for_source(actor=actor, draft=draft)

    def open_item_create(self, **kwargs):
        from erp.accounting.services.arap import open_item_create

        return open_item_create(**kwargs)

    def rule_accounts(self, event: str, category: str = "", warehouse: str = "") -> tuple[str, str]:
        from erp.accounting.builders.stock import rule_accounts
        from erp.accounting.selectors import posting_rule_table

        return rule_accounts(posting_rule_table(), event, category, warehouse)

    def open_receivables(self, customer_id: int) -> Decimal:
        from erp.accounting.models import OpenItem, OpenItemKind, OpenItemState

        total = OpenItem.objects.filter(
            kind=OpenItemKind.RECEIVABLE, customer_id=customer_id, state=OpenItemState.OPEN
        ).aggregate(s=Coalesce(Sum(F("amount") - F("allocated"), output_field=_AMT), Value(ZERO)))
        return Decimal(total["s"])

    def account_balance(self, code: str) -> tuple[Decimal, Decimal]:
        from erp.accounting.models import VoucherLine
        from erp.accounting.states import VoucherState

        sums = VoucherLine.objects.filter(
            voucher__state=VoucherState.POSTED, account__code=code
        ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
        return sums["debit"] or ZERO, sums["credit"] or ZERO

    def vouchers_for_source(self, source_type: str, source_id: str):
        from erp.accounting.models import Voucher

        return (
            Voucher.objects.filter(source_type=source_type, source_id=str(source_id))
            .select_related("period")
            .order_by("pk")
        )

    def books_started(self) -> bool:
        from erp.accounting.services.stock_posting import books_started

        return books_started()
