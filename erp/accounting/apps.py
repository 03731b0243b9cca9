from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AccountingConfig(AppConfig):
    name = "erp.accounting"
    label = "accounting"
    verbose_name = _("Accounting")
    url_prefix = "accounting/"  # config/urls.py includes erp.accounting.urls here

    def ready(self) -> None:
        _registries_fill()
        from erp.accounting.services.expenses import expense_claims_register

        expense_claims_register()
        # Every stock posting checks the period and posts its voucher through this listener.
        from erp.accounting.services.stock_posting import stock_ledger_listener_register

        stock_ledger_listener_register()
        # Sales, purchasing and later modules post their documents through this port.
        from erp.accounting.ledger_port import AccountingLedger
        from erp.core.ledger import ledger_register

        ledger_register(AccountingLedger())
        self._document_types()

    @staticmethod
    def _document_types() -> None:
        from erp.accounting.selectors_statements import OPENING_SOURCE
        from erp.accounting.services.arap import OPENING_SOURCE as ARAP_OPENING
        from erp.accounting.services.arap import PAYABLE, RECEIVABLE
        from erp.core.references import document_type_register

        # Postings whose source is not a numbered document: named, not linked (单据联查).
        document_type_register(OPENING_SOURCE, _("Opening balances"))
        document_type_register(ARAP_OPENING[RECEIVABLE], _("Opening receivables"))
        document_type_register(ARAP_OPENING[PAYABLE], _("Opening payables"))
        for doc_type, url_name in (
            ("accounting.customerreceipt", "accounting:arap_receipt_detail"),
            ("accounting.supplierpayment", "accounting:arap_payment_detail"),
        ):
            label = apps.get_model(doc_type)._meta.verbose_name
            document_type_register(doc_type, label, url=_url(url_name))
        # An AR/AP item opened by a manual voucher line shows and opens its voucher.
        document_type_register(
            "accounting.voucherline",
            apps.get_model("accounting.voucher")._meta.verbose_name,
            model=apps.get_model("accounting.voucherline"),
            url=_url("accounting:voucher_detail"),
            number_field="voucher__number",
            link_field="voucher_id",
        )
        # Their numbering rules keep the older types sales.customerreceipt and
        # purchasing.supplierpayment (see _registries_fill): named, so the numbering page
        # shows 收款单 / 付款单 and not the code.
        for rule_type, doc_type in (
            ("sales.customerreceipt", "accounting.customerreceipt"),
            ("purchasing.supplierpayment", "accounting.supplierpayment"),
        ):
            document_type_register(rule_type, apps.get_model(doc_type)._meta.verbose_name)


def _registries_fill() -> None:
    """Accounting's posting events and numbering rules (open registries in core)."""
    from erp.accounting.models import PostingEvent
    from erp.core.posting_events import posting_event_register
    from erp.core.services.numbering import numbering_rule_register

    for event in PostingEvent:
        posting_event_register(event.value, event.label)
    numbering_rule_register("accounting.expenseclaim", "EX", "费用报销单")
    # AR/AP receipts and payments keep the doc types their rules were created under.
    numbering_rule_register("sales.customerreceipt", "CR", "收款单")
    numbering_rule_register("purchasing.supplierpayment", "PM", "付款单")


def _url(name: str):
    from django.urls import reverse

    return lambda pk: reverse(name, args=[int(pk)])
