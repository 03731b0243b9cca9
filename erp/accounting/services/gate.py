"""The posting gate: the ONE writer of posted vouchers, their numbers and period balances.

`voucher_post` takes either a reviewed manual voucher (`voucher_id`) or a `VoucherDraft` built
by a source document, validates it (open period, active leaf accounts, auxiliary values,
Σdebit = Σcredit in whole fen) and writes it in one transaction. Lock order: period (shared;
closing takes it exclusively) → voucher → sequence → balances sorted by account id.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.accounting.builders.drafts import VoucherDraft
from erp.accounting.errors import VoucherInvalid
from erp.accounting.models import (
    Account,
    AccountPeriodBalance,
    Period,
    Voucher,
    VoucherLine,
    VoucherSequence,
    VoucherWord,
)
from erp.accounting.services.lines import LineInput, lines_validate, parse_amount
from erp.accounting.services.periods import period_require_open
from erp.accounting.states import VOUCHER_STATES, VoucherState
from erp.core.access import require_perm
from erp.core.errors import InvalidTransition, NotFound
from erp.core.services.audit import audit_record


def voucher_post(
    *, actor, voucher_id: int | None = None, draft: VoucherDraft | None = None
) -> Voucher:
    if (voucher_id is None) == (draft is None):
        raise TypeError("voucher_post needs exactly one of voucher_id or draft")
    require_perm(actor, "accounting.post_voucher")
    with transaction.atomic():
        if draft is not None:
            return _post_draft(actor, draft)
        return _post_existing(actor, voucher_id)


def _post_existing(actor, voucher_id) -> Voucher:
    try:
        on_date = Voucher.objects.values_list("date", flat=True).get(pk=voucher_id)
    except (Voucher.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    period = period_require_open(on_date)
    voucher = Voucher.objects.select_for_update().get(pk=voucher_id)
    VOUCHER_STATES.transition_for(voucher.state, "post")
    lines = list(voucher.lines.select_related("account"))
    inputs = [_input_of(line) for line in lines]
    total = lines_validate(inputs)
    return _finish(actor, voucher, period, inputs, total, before_state=voucher.state)


def _post_draft(actor, draft: VoucherDraft) -> Voucher:
    period = period_require_open(draft.date)
    if draft.word not in VoucherWord.values:
        raise VoucherInvalid(_("Choose the voucher word 记, 收, 付 or 转."), code="voucher_word")
    codes = {line.account_code for line in draft.lines}
    accounts = Account.objects.in_bulk(codes, field_name="code")
    inputs = []
    for number, line in enumerate(draft.lines, start=1):
        debit, credit = parse_amount(line.debit), parse_amount(line.credit)
        if debit is None or credit is None:
            raise VoucherInvalid(
                _("Line %(line)s: amounts must be numbers with at most 2 decimal places.")
                % {"line": number},
                code="voucher_amount",
            )
        inputs.append(
            LineInput(
                line_no=number,
                summary=line.summary,
                account=accounts.get(line.account_code),
                debit=debit,
                credit=credit,
                aux={
                    "customer": line.customer_id,
                    "supplier": line.supplier_id,
                    "department": line.department_id,
                    "employee": line.employee_id,
                    "material": line.material_id,
                },
                source_line=line.source_line,
            )
        )
    total = lines_validate(inputs)
    voucher = Voucher.objects.create(
        state=VoucherState.DRAFT,
        created_by=actor,
        word=draft.word,
        date=draft.date,
        period=period,
        attachments=draft.attachments,
        note=draft.note,
        source_type=draft.source_type,
        source_id=draft.source_id,
        source_number=draft.source_number,
        reversal_of_id=draft.reversal_of_id,
    )
    VoucherLine.objects.bulk_create(
        VoucherLine(
            voucher=voucher,
            line_no=i.line_no,
            summary=i.summary.strip()[:200],
            account=i.account,
            debit=i.debit,
            credit=i.credit,
            source_line=i.source_line,
            **{f"{name}_id": value for name, value in i.aux.items()},
        )
        for i in inputs
    )
    return _finish(actor, voucher, period, inputs, total, before_state=None)


def _input_of(line: VoucherLine) -> LineInput:
    return LineInput(
        line_no=line.line_no,
        summary=line.summary,
        account=line.account,
        debit=line.debit,
        credit=line.credit,
        aux={name: getattr(line, f"{name}_id") for name in Account.AUX_FIELDS},
    )


def _finish(actor, voucher, period, inputs, total, *, before_state) -> Voucher:
    voucher.seq = _next_seq(period, voucher.word)
    voucher.number = f"{period} {voucher.word}-{voucher.seq:04d}"
    voucher.period = period
    voucher.state = VoucherState.POSTED
    voucher.posted_by = actor
    voucher.posted_at = timezone.now()
    voucher.total = total
    voucher.version += 1
    voucher.save(
        update_fields=[
            "seq",
            "number",
            "period",
            "state",
            "posted_by",
            "posted_at",
            "total",
            "version",
            "updated_at",
        ]
    )
    _balances_add(period, inputs)
    audit_record(
        actor=actor,
        action="transition",
        obj=voucher,
        changes={"state": [before_state, "posted"], "number": ["", voucher.number]},
        note="post",
    )
    return voucher


def _next_seq(period: Period, word: str) -> int:
    VoucherSequence.objects.bulk_create(
        [VoucherSequence(period=period, word=word)], ignore_conflicts=True
    )
    sequence = VoucherSequence.objects.select_for_update().get(period=period, word=word)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


def _balances_add(period: Period, inputs: list[LineInput]) -> None:
    sums: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal("0"), Decimal("0")])
    for line in inputs:
        sums[line.account.pk][0] += line.debit
        sums[line.account.pk][1] += line.credit
    AccountPeriodBalance.objects.bulk_create(
        [AccountPeriodBalance(period=period, account_id=pk) for pk in sorted(sums)],
        ignore_conflicts=True,
    )
    for pk in sorted(sums):  # fixed order: no deadlock between two posting transactions
        debit, credit = sums[pk]
        AccountPeriodBalance.objects.filter(period=period, account_id=pk).update(
            debit=F("debit") + debit, credit=F("credit") + credit
        )


def voucher_reverse(*, actor, voucher_id: int, on_date=None) -> Voucher:
    """Red reversal (红字冲销): a new posted voucher with the same lines negated, dated in an
    open period (today by default). A voucher is reversed at most once."""
    require_perm(actor, "accounting.reverse_voucher")
    on_date = on_date or timezone.localdate()
    with transaction.atomic():
        try:
            original = Voucher.objects.get(pk=voucher_id)
        except (Voucher.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None
        if original.state != VoucherState.POSTED:
            raise InvalidTransition(
                _("Only posted vouchers can be reversed; delete or edit the draft instead."),
                code="reverse_not_posted",
            )
        if original.reversal_of_id or Voucher.objects.filter(reversal_of=original).exists():
            raise InvalidTransition(
                _("This voucher is already part of a reversal; it cannot be reversed again."),
                code="reverse_twice",
            )
        from erp.accounting.builders.drafts import DraftLine

        prefix = str(_("Reversal of %(number)s: ") % {"number": original.number})
        lines = tuple(
            DraftLine(
                summary=f"{prefix}{line.summary}"[:200],
                account_code=line.account.code,
                debit=-line.debit,
                credit=-line.credit,
                **{f"{name}_id": getattr(line, f"{name}_id") for name in Account.AUX_FIELDS},
            )
            for line in original.lines.select_related("account")
        )
        draft = VoucherDraft(
            date=on_date,
            lines=lines,
            word=original.word,
            note=prefix.strip(),
            source_type=original.source_type,
            source_id=original.source_id,
            source_number=original.source_number,
            reversal_of_id=original.pk,
        )
        return voucher_post(actor=actor, draft=draft)
