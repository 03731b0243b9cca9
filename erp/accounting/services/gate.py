"""The posting gate: the ONE writer of posted vouchers, their numbers and period balances.

`voucher_post` takes either a reviewed manual voucher (`voucher_id`) or a `VoucherDraft` built
by a source document, validates it (open period, active leaf accounts, auxiliary values,
Σdebit = Σcredit in whole fen) and writes it in one transaction. `vouchers_post_batch` posts
many drafts in one transaction with the same checks (workloads and imports post that way), and
`voucher_post_for_source` is the call a source document's own posting service makes.

Lock order: period (shared; closing takes it exclusively) → voucher → sequence → balances sorted
by account id. Writes are set-based so a batch costs a handful of statements, not a handful per
voucher: sequences are reserved once per (period, word), vouchers and lines are bulk-inserted
(as drafts, then flipped to posted in one UPDATE so the database guards still check every
voucher), balances are upserted with one executemany, audit events are bulk-inserted.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
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
from erp.core.bulk_insert import column, rows_insert
from erp.core.errors import BusinessRuleError, Conflict, InvalidTransition, NotFound
from erp.core.models import AuditEvent
from erp.core.services.audit import audit_record

CHUNK = 2000  # ids per IN (...) list: far below SQLite's variable limit


@dataclass
class _Prepared:
    """A draft checked against the books: its period, resolved lines and total."""

    draft: VoucherDraft
    period: Period
    inputs: list[LineInput]
    total: Decimal


def voucher_post(
    *, actor, voucher_id: int | None = None, draft: VoucherDraft | None = None
) -> Voucher:
    if (voucher_id is None) == (draft is None):
        raise TypeError("voucher_post needs exactly one of voucher_id or draft")
    require_perm(actor, "accounting.post_voucher")
    with transaction.atomic():
        if draft is not None:
            return _post_drafts(actor, [draft])[0]
        return _post_existing(actor, voucher_id)


def vouchers_post_batch(*, actor, drafts: Sequence[VoucherDraft]) -> list[Voucher]:
    """Post many drafts in ONE transaction: all or none. Every check of `voucher_post` applies
    to every draft; the first invalid one aborts the batch (its error names the draft index)."""
    require_perm(actor, "accounting.post_voucher")
    if not drafts:
        return []
    with transaction.atomic():
        return _post_drafts(actor, list(drafts))


def voucher_post_for_source(*, actor, draft: VoucherDraft) -> Voucher:
    """The voucher a source document posts as part of its own posting (a stock receipt, a
    count). The document's posting permission, checked by its service, authorises it: a
    warehouse keeper posts a receipt without holding accounting.post_voucher. Every other
    gate check applies; call it inside the document's transaction."""
    if not draft.source_type or not draft.source_id:
        raise TypeError("voucher_post_for_source needs the draft's source_type and source_id")
    with transaction.atomic():
        return _post_drafts(actor, [draft])[0]


def _post_existing(actor, voucher_id) -> Voucher:
    try:
        on_date = Voucher.objects.values_list("date", flat=True).get(pk=voucher_id)
    except (Voucher.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    period = period_require_open(on_date)
    voucher = Voucher.objects.select_for_update().get(pk=voucher_id)
    transition = VOUCHER_STATES.transition_for(voucher.state, "post")
    lines = list(voucher.lines.select_related("account"))
    inputs = [_input_of(line) for line in lines]
    total = lines_validate(inputs)
    before_state = voucher.state
    voucher.seq = _seq_reserve(period, voucher.word, 1)
    voucher.number = _number(period, voucher.word, voucher.seq)
    voucher.period = period
    voucher.state = transition.target
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
    _balances_add(_sums([(period, inputs)]))
    audit_record(
        actor=actor,
        action="transition",
        obj=voucher,
        changes={"state": [before_state, "posted"], "number": ["", voucher.number]},
        note="post",
    )
    return voucher


def _input_of(line: VoucherLine) -> LineInput:
    return LineInput(
        line_no=line.line_no,
        summary=line.summary,
        account=line.account,
        debit=line.debit,
        credit=line.credit,
        aux={name: getattr(line, f"{name}_id") for name in Account.AUX_FIELDS},
    )


# --- drafts, one or many ---------------------------------------------------------------------


def _post_drafts(actor, drafts: list[VoucherDraft]) -> list[Voucher]:
    periods = _periods_open({d.date for d in drafts})
    accounts = Account.objects.in_bulk(
        {line.account_code for d in drafts for line in d.lines}, field_name="code"
    )
    size = len(drafts)
    prepared = [_prepare(d, periods[d.date], accounts, i, size) for i, d in enumerate(drafts)]
    vouchers = _vouchers_insert(actor, prepared)
    _lines_insert(vouchers, prepared)
    _vouchers_mark_posted(vouchers)
    _balances_add(_sums([(p.period, p.inputs) for p in prepared]))
    _audit_posted(actor, vouchers)
    return vouchers


def _periods_open(dates: set[dt.date]) -> dict[dt.date, Period]:
    """The open, share-locked period of every date: one lookup per month, not per voucher."""
    by_month: dict[tuple[int, int], Period] = {}
    for on_date in sorted(dates):
        if (on_date.year, on_date.month) not in by_month:
            by_month[(on_date.year, on_date.month)] = period_require_open(on_date)
    return {d: by_month[(d.year, d.month)] for d in dates}


def _prepare(draft: VoucherDraft, period: Period, accounts, index: int, size: int) -> _Prepared:
    try:
        if draft.word not in VoucherWord.values:
            raise VoucherInvalid(
                _("Choose the voucher word 记, 收, 付 or 转."), code="voucher_word"
            )
        inputs = [_draft_input(n, line, accounts) for n, line in enumerate(draft.lines, 1)]
        return _Prepared(draft, period, inputs, lines_validate(inputs))
    except VoucherInvalid as exc:
        if size > 1:  # in a batch, say which draft
            exc.details["draft"] = index
        raise


def _draft_input(number: int, line, accounts) -> LineInput:
    debit, credit = parse_amount(line.debit), parse_amount(line.credit)
    if debit is None or credit is None:
        raise VoucherInvalid(
            _("Line %(line)s: amounts must be numbers with at most 2 decimal places.")
            % {"line": number},
            code="voucher_amount",
        )
    return LineInput(
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


def _number(period: Period, word: str, seq: int) -> str:
    return f"{period} {word}-{seq:04d}"


def _vouchers_insert(actor, prepared: list[_Prepared]) -> list[Voucher]:
    """Insert the vouchers as drafts already carrying their numbers (taken inside this
    transaction, so no one sees a numbered draft); `_vouchers_mark_posted` flips them."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for p in prepared:
        counts[(p.period.pk, p.draft.word)] += 1
    periods = {p.period.pk: p.period for p in prepared}
    next_seq = {
        key: _seq_reserve(periods[key[0]], key[1], n) - n + 1 for key, n in sorted(counts.items())
    }
    now = timezone.now()
    vouchers = []
    for p in prepared:
        key = (p.period.pk, p.draft.word)
        seq, next_seq[key] = next_seq[key], next_seq[key] + 1
        d = p.draft
        vouchers.append(
            Voucher(
                state=VoucherState.DRAFT,
                version=2,  # created (1) and posted (2), as a reviewed draft would be
                created_by=actor,
                word=d.word,
                date=d.date,
                period=p.period,
                seq=seq,
                number=_number(p.period, d.word, seq),
                attachments=d.attachments,
                note=d.note,
                total=p.total,
                posted_by=actor,
                posted_at=now,
                source_type=d.source_type,
                source_id=d.source_id,
                source_number=d.source_number,
                reversal_of_id=d.reversal_of_id,
            )
        )
    return Voucher.objects.bulk_create(vouchers, batch_size=CHUNK)


def _lines_insert(vouchers: list[Voucher], prepared: list[_Prepared]) -> None:
    """One executemany for all lines: building thousands of model instances for bulk_create
    cost more than the insert itself. Values are plain ids, text and Decimal amounts."""
    # Rows keyed by field: the columns come from VoucherLine's fields (erp/core/bulk_insert.py).
    rows = [
        {
            "voucher_id": voucher.pk,
            "line_no": i.line_no,
            "summary": i.summary.strip()[:200],
            "account_id": i.account.pk,
            "debit": _db_amount(i.debit),
            "credit": _db_amount(i.credit),
            **{f"{name}_id": i.aux.get(name) for name in Account.AUX_FIELDS},
            "source_line": i.source_line,
        }
        for voucher, p in zip(vouchers, prepared, strict=True)
        for i in p.inputs
    ]
    rows_insert(VoucherLine, rows)


def _vouchers_mark_posted(vouchers: list[Voucher]) -> None:
    """One UPDATE per chunk along the declared "post_generated" transition (drafts only; a row
    in any other state refuses the whole batch); the database guard checks each voucher's
    lines as it flips."""
    ids = [v.pk for v in vouchers]
    now = timezone.now()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        transition = VOUCHER_STATES.transition_queryset(
            Voucher.objects.filter(pk__in=chunk),
            "post_generated",
            expected=len(chunk),
            updated_at=now,
        )
    for voucher in vouchers:
        voucher.state = transition.target


def _seq_reserve(period: Period, word: str, count: int) -> int:
    """Take `count` numbers of (period, word) and return the last one. The UPDATE locks the
    sequence row until commit (PostgreSQL), so numbers stay gap-free under concurrency."""
    sql = (
        "UPDATE accounting_vouchersequence SET last_value = last_value + %s "
        "WHERE period_id = %s AND word = %s RETURNING last_value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, period.pk, word])
        row = cursor.fetchone()
        if row is None:
            VoucherSequence.objects.bulk_create(
                [VoucherSequence(period=period, word=word)], ignore_conflicts=True
            )
            cursor.execute(sql, [count, period.pk, word])
            row = cursor.fetchone()
    return row[0]


def _sums(groups) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
    sums: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for period, inputs in groups:
        for line in inputs:
            row = sums[(period.pk, line.account.pk)]
            row[0] += line.debit
            row[1] += line.credit
    return {key: (d, c) for key, (d, c) in sums.items()}


def _balances_add(sums: dict[tuple[int, int], tuple[Decimal, Decimal]]) -> None:
    """Add movements to the period balances with one upsert statement, in (period, account)
    order so two posting transactions never lock balance rows in opposite orders."""
    model = AccountPeriodBalance
    table = connection.ops.quote_name(model._meta.db_table)
    period, account, debit, credit = (
        column(model, f) for f in ("period", "account", "debit", "credit")
    )
    upsert = (
        f"ON CONFLICT ({period}, {account}) DO UPDATE SET "
        f"{debit} = {table}.{debit} + EXCLUDED.{debit}, "
        f"{credit} = {table}.{credit} + EXCLUDED.{credit}"
    )
    rows = [
        {"period_id": p, "account_id": a, "debit": _db_amount(d), "credit": _db_amount(c)}
        for (p, a), (d, c) in sorted(sums.items())
    ]
    rows_insert(model, rows, suffix=upsert)


def _db_amount(value: Decimal):
    # SQLite's DecimalField columns have REAL affinity: pass text so the value is exact until
    # SQLite converts it; PostgreSQL takes the Decimal as numeric.
    return str(value) if connection.vendor == "sqlite" else value


def _audit_posted(actor, vouchers: list[Voucher]) -> None:
    """One audit event per posted voucher, as `audit_record` writes it, in one executemany."""
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    changes = AuditEvent._meta.get_field("changes")
    at = AuditEvent._meta.get_field("at").get_db_prep_save(timezone.now(), connection)
    label = Voucher._meta.label_lower
    rows = [
        {
            "at": at,
            "actor_id": actor_id,
            "action": "transition",
            "object_type": label,
            "object_id": str(v.pk),
            "object_repr": v.number,
            "changes": changes.get_db_prep_save(
                {"state": [None, "posted"], "number": ["", v.number]}, connection
            ),
            "note": "post",
        }
        for v in vouchers
    ]
    rows_insert(AuditEvent, rows)


# Vouchers whose source is no separate document (accounting's own period postings and the GL
# opening balances): they are corrected by reversing the voucher itself. Every other voucher
# with a source type belongs to a document (stock, AR/AP, expense claim) and is reversed only
# by reversing that document, whose service calls voucher_reverse(..., _from_source=True).
VOUCHER_ONLY_SOURCES = frozenset(
    {
        "accounting.pl_carry_forward",
        "accounting.overhead",
        "accounting.vat_transfer",
        "accounting.year_end",
        "golive.openingbalance",
    }
)


def voucher_reverse(*, actor, voucher_id: int, on_date=None, _from_source: bool = False) -> Voucher:
    """Red reversal (红字冲销): a new posted voucher with the same lines negated, dated in an
    open period (today by default). A voucher is reversed at most once: the original is locked
    (after the period, in the gate's lock order) and its state re-checked under the lock, so a
    second, concurrent reversal gets 409 (Conflict). A voucher of a source document is refused
    unless the document's own reversal service calls with `_from_source=True` (then, as in
    `voucher_post_for_source`, the document's permission authorises it)."""
    if not _from_source:
        require_perm(actor, "accounting.reverse_voucher")
    on_date = on_date or timezone.localdate()
    with transaction.atomic():
        period_require_open(on_date)
        try:
            original = Voucher.objects.select_for_update().get(pk=voucher_id)
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
        if original.source_type and original.source_type not in VOUCHER_ONLY_SOURCES:
            if not _from_source:
                raise BusinessRuleError(
                    _(
                        "Voucher %(number)s was posted by document %(document)s. Reverse the "
                        "document instead: its reversal posts the reversing voucher and keeps "
                        "the stock or open items equal to the ledger."
                    )
                    % {
                        "number": original.number,
                        "document": original.source_number or original.source_type,
                    },
                    code="reverse_source_document",
                    source_type=original.source_type,
                    source_id=original.source_id,
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
        try:
            with transaction.atomic():
                if _from_source:
                    return _post_drafts(actor, [draft])[0]
                return voucher_post(actor=actor, draft=draft)
        except IntegrityError:  # reversal_of is one-to-one: someone reversed it meanwhile
            raise Conflict(
                _("This voucher was reversed by someone else meanwhile. Reload it."),
                code="reverse_twice",
            ) from None
