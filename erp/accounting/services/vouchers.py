"""Manual vouchers before posting: save a draft (create or replace its lines), review by a
different user, cancel the review, delete a draft. Posting is services.gate.voucher_post.

Separation of duties: a draft edited by someone other than its creator records that editor
(`last_edited_by`); the reviewer must differ from both. Concurrent edits are version-checked:
a save or review naming the version the user loaded is refused with Conflict (409) when the
voucher changed meanwhile. System vouchers (posted directly by a source document) are reviewed
after posting: 审核 (`reviewed_by`) is the one field the database lets change on a posted
voucher, once (migration 0006)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.accounting.errors import VoucherInvalid
from erp.accounting.models import Account, Voucher, VoucherLine, VoucherWord
from erp.accounting.services.lines import LineInput, lines_validate, parse_amount
from erp.accounting.services.periods import period_require_open
from erp.accounting.states import VOUCHER_STATES, VoucherState
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, Conflict, NotFound
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.services.transitions import document_transition

HEADER_FIELDS = ("word", "date", "attachments", "note")


def _lines_from_rows(rows: list[dict[str, Any]]) -> list[LineInput]:
    """Rows as posted by the form or API: summary, account_id, debit, credit, <aux>_id."""
    account_ids = {row.get("account_id") for row in rows if row.get("account_id")}
    accounts = Account.objects.in_bulk([a for a in account_ids if str(a).isdigit()])
    inputs, bad = [], {}
    for number, row in enumerate(rows, start=1):
        debit, credit = parse_amount(row.get("debit")), parse_amount(row.get("credit"))
        if debit is None or credit is None:
            bad[str(number)] = [str(_("Enter amounts as numbers with at most 2 decimal places."))]
            continue
        account_id = row.get("account_id")
        inputs.append(
            LineInput(
                line_no=number,
                summary=str(row.get("summary") or "").strip(),
                account=accounts.get(int(account_id)) if str(account_id).isdigit() else None,
                debit=debit,
                credit=credit,
                aux={name: _int_or_none(row.get(f"{name}_id")) for name in Account.AUX_FIELDS},
            )
        )
    if bad:
        raise VoucherInvalid(lines=bad)
    return inputs


def _int_or_none(value) -> int | None:
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def _check_header(word: str, date: dt.date, attachments: int) -> None:
    errors: dict[str, list[str]] = {}
    if word not in VoucherWord.values:
        errors["word"] = [str(_("Choose the voucher word 记, 收, 付 or 转."))]
    if not isinstance(date, dt.date):
        errors["date"] = [str(_("Enter the date as 2026-03-01."))]
    if not isinstance(attachments, int) or not 0 <= attachments <= 999:
        errors["attachments"] = [str(_("Enter the number of attachments, 0 to 999."))]
    if errors:
        from erp.core.errors import ValidationFailed

        raise ValidationFailed(fields=errors)


@transaction.atomic
def voucher_save(
    *,
    actor,
    lines: list[dict[str, Any]],
    date: dt.date,
    word: str = VoucherWord.JI,
    attachments: int = 0,
    note: str = "",
    voucher_id: int | None = None,
    version: int | None = None,
) -> Voucher:
    """Create a draft voucher or replace a draft's header and lines. The lines are checked like
    the gate checks them, so an unbalanced voucher is never stored; its period must be open.
    `version` = the version the user loaded (pages and API send it): a different current
    version means someone else saved meanwhile → Conflict."""
    require_perm(actor, "accounting.change_voucher" if voucher_id else "accounting.add_voucher")
    _check_header(word, date, attachments)
    period = period_require_open(date)
    inputs = _lines_from_rows(lines)
    lines_validate(inputs)
    if voucher_id is None:
        voucher = Voucher(state=VoucherState.DRAFT, created_by=actor)
        before: dict[str, Any] = {}
    else:
        voucher = _get_locked(voucher_id)
        _require_version(voucher, version)
        if voucher.state != VoucherState.DRAFT:
            raise BusinessRuleError(
                _("Only draft vouchers can be edited. Cancel the review first."),
                code="voucher_not_draft",
                state=voucher.state,
            )
        before = snapshot(voucher, list(HEADER_FIELDS)) | {"lines": _lines_snapshot(voucher)}
        voucher.version += 1
        voucher.last_edited_by = actor
    voucher.word, voucher.date, voucher.period = word, date, period
    voucher.attachments, voucher.note = attachments, note.strip()
    # Drafts show their amount in lists too; the gate recomputes it when posting.
    voucher.total = sum((i.debit for i in inputs), Decimal(0))
    voucher.save()
    voucher.lines.all().delete()
    VoucherLine.objects.bulk_create(
        VoucherLine(
            voucher=voucher,
            line_no=i.line_no,
            summary=i.summary[:200],
            account=i.account,
            debit=i.debit,
            credit=i.credit,
            **{f"{name}_id": value for name, value in i.aux.items()},
        )
        for i in inputs
    )
    after = snapshot(voucher, list(HEADER_FIELDS)) | {"lines": _lines_snapshot(voucher)}
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=voucher,
        changes=diff(before, after),
    )
    return voucher


def _lines_snapshot(voucher: Voucher) -> list[str]:
    return [
        f"{line.account.code} {line.debit} {line.credit} {line.summary}"
        for line in voucher.lines.select_related("account")
    ]


def _require_version(voucher: Voucher, version) -> None:
    """The optimistic check of concurrent edits (under the row lock)."""
    if version in (None, ""):
        return
    if str(version) != str(voucher.version):
        editor = voucher.last_edited_by or voucher.created_by
        raise Conflict(
            _(
                "Voucher %(voucher)s was changed by %(user)s after you opened it. Reload the "
                "voucher to see the current lines, then make your change again."
            )
            % {"voucher": voucher, "user": _user_name(editor)},
            code="voucher_version_conflict",
            current_version=voucher.version,
            your_version=version,
        )


def _user_name(user) -> str:
    if user is None:
        return "-"
    return getattr(user, "full_name", "") or user.get_username()


def _get_locked(voucher_id) -> Voucher:
    try:
        return Voucher.objects.select_for_update().get(pk=voucher_id)
    except (Voucher.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@transaction.atomic
def voucher_review(*, actor, voucher_id: int, version: int | None = None) -> Voucher:
    """审核: by a user other than the one who entered it and the one who last edited it; the
    lines are checked again. A system voucher already posted by its source document is reviewed
    in place (`reviewed_by` set once; it stays posted)."""
    voucher = _get_locked(voucher_id)
    _require_version(voucher, version)
    actor_id = getattr(actor, "pk", None)
    if voucher.created_by_id == actor_id:
        raise BusinessRuleError(
            _("You entered this voucher, so another user must review it."),
            code="voucher_self_review",
        )
    if voucher.last_edited_by_id == actor_id:
        raise BusinessRuleError(
            _("You last edited this voucher, so another user must review it."),
            code="voucher_editor_review",
        )
    if voucher.state == VoucherState.POSTED:
        return _review_posted(actor, voucher)
    period_require_open(voucher.date)
    lines_validate(
        [
            LineInput(
                line_no=line.line_no,
                summary=line.summary,
                account=line.account,
                debit=line.debit,
                credit=line.credit,
                aux={name: getattr(line, f"{name}_id") for name in Account.AUX_FIELDS},
            )
            for line in voucher.lines.select_related("account")
        ]
    )
    voucher = document_transition(actor=actor, doc=voucher, machine=VOUCHER_STATES, name="review")
    Voucher.objects.filter(pk=voucher.pk).update(reviewed_by=actor)
    voucher.reviewed_by = actor
    return voucher


def _review_posted(actor, voucher: Voucher) -> Voucher:
    """审核 of a voucher a source document posted directly: only `reviewed_by` changes."""
    require_perm(actor, "accounting.review_voucher")
    if voucher.reviewed_by_id:
        raise Conflict(
            _("Voucher %(voucher)s was already reviewed by %(user)s.")
            % {"voucher": voucher, "user": _user_name(voucher.reviewed_by)},
            code="voucher_already_reviewed",
        )
    now = timezone.now()
    Voucher.objects.filter(pk=voucher.pk).update(reviewed_by=actor, updated_at=now)
    voucher.reviewed_by, voucher.updated_at = actor, now
    audit_record(
        actor=actor,
        action="transition",
        obj=voucher,
        changes={"reviewed_by": [None, _user_name(actor)]},
        note="review",
    )
    return voucher


@transaction.atomic
def voucher_unreview(*, actor, voucher_id: int) -> Voucher:
    voucher = _get_locked(voucher_id)
    voucher = document_transition(actor=actor, doc=voucher, machine=VOUCHER_STATES, name="unreview")
    Voucher.objects.filter(pk=voucher.pk).update(reviewed_by=None)
    voucher.reviewed_by = None
    return voucher


@transaction.atomic
def voucher_delete(*, actor, voucher_id: int) -> None:
    require_perm(actor, "accounting.delete_voucher")
    voucher = _get_locked(voucher_id)
    if voucher.state != VoucherState.DRAFT:
        raise BusinessRuleError(
            _("Only draft vouchers can be deleted. Posted vouchers are corrected by reversal."),
            code="voucher_not_draft",
            state=voucher.state,
        )
    audit_record(actor=actor, action="delete", obj=voucher, changes=snapshot(voucher))
    voucher.delete()
