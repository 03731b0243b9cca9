"""Voucher drafts live in core (erp/core/voucher_drafts.py) so that a module builds one without
importing accounting; accounting's builders keep importing them from here."""

from erp.core.voucher_drafts import DraftLine, VoucherDraft

__all__ = ["DraftLine", "VoucherDraft"]
