"""The general ledger as the other modules see it (总账接口): the few things a module that posts
its own documents asks of accounting, registered by accounting in its ready().

Sales, purchasing and any later module post invoices, returns and payments through this port,
never by importing accounting's services ("apps talk through registries, not imports"): the
module builds a `VoucherDraft` (erp/core/voucher_drafts.py) with a pure builder and hands it to
`ledger().post_for_source(...)` inside its own transaction. Accounting keeps the one posting
gate (period open, balanced, accounts usable) behind it.

Stock postings reach accounting the other way round, through the stock gate's listeners; a
module whose stock documents have a partner on the offset line (a purchase receipt's supplier
on 暂估应付款) names it with `stock_offset_partner_register` here.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

from erp.core.voucher_drafts import VoucherDraft


class NoPostingRule(LookupError):
    """No posting rule for an event: finance sets one under 会计 → 记账规则."""


class Ledger(Protocol):
    def post_for_source(self, *, actor, draft: VoucherDraft) -> Any:
        """Post the voucher of a source document as part of its posting (the document's
        permission authorises it; every other gate check applies). Returns the voucher."""

    def open_item_create(
        self,
        *,
        actor,
        kind: str,
        partner_id: int,
        account_code: str,
        amount: Decimal,
        doc_date: dt.date,
        source_type: str,
        source_id: str,
        source_line: str = "",
        source_number: str = "",
        due: dt.date | None = None,
        summary: str = "",
        voucher: Any = None,
    ) -> Any:
        """Open a receivable ("receivable") or payable ("payable") item in the subledger."""

    def rule_accounts(self, event: str, category: str = "", warehouse: str = "") -> tuple[str, str]:
        """(debit, credit) account codes of the best-matching posting rule; NoPostingRule."""

    def open_receivables(self, customer_id: int) -> Decimal:
        """What the customer owes on open receivable items (advances reduce it)."""

    def account_balance(self, code: str) -> tuple[Decimal, Decimal]:
        """(Σ debit, Σ credit) of posted vouchers on one account."""

    def vouchers_for_source(self, source_type: str, source_id: str) -> Any:
        """The vouchers a source document posted (a queryset, oldest first)."""

    def books_started(self) -> bool:
        """Whether the company's books have started (a go-live date is set)."""


_LEDGER: list[Ledger] = []
_OFFSET_PARTNERS: dict[str, Callable[[str], dict]] = {}


def ledger_register(impl: Ledger) -> None:
    """Accounting registers its implementation from its ready(); once."""
    if _LEDGER and _LEDGER[0] is not impl:
        _LEDGER[0] = impl  # a re-run ready() (tests) replaces it
    elif not _LEDGER:
        _LEDGER.append(impl)


def ledger() -> Ledger:
    if not _LEDGER:
        raise ImproperlyConfigured("no general ledger registered: install erp.accounting")
    return _LEDGER[0]


def stock_offset_partner_register(source_type: str, resolver: Callable[[str], dict]) -> None:
    """resolver(source_id) -> {"supplier_id": ...} or {"customer_id": ...}: the partner the
    offset line of a stock voucher of this document type carries."""
    _OFFSET_PARTNERS[source_type] = resolver


def stock_offset_partner_unregister(source_type: str) -> None:
    """Tests only."""
    _OFFSET_PARTNERS.pop(source_type, None)


def stock_offset_partner(source_type: str, source_id) -> dict:
    resolver = _OFFSET_PARTNERS.get(source_type)
    return resolver(str(source_id)) if resolver else {}
