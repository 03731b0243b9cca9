"""Reads of the AR/AP subledgers: open items as of a date, aging, partner statements (对账单)
and the control tie-out (subledger = control accounts).

"As of" works from the allocation lines of posted receipts/payments dated on or before the
date, so an aging of last month shows what was open then, not what is open now."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from erp.accounting.builders.arap import BUCKETS, PAYABLE, RECEIVABLE, bucket_of, is_control
from erp.accounting.models import (
    Account,
    CustomerReceipt,
    CustomerReceiptLine,
    OpenItem,
    Period,
    SupplierPayment,
    SupplierPaymentLine,
    VoucherLine,
)
from erp.accounting.states import VoucherState
from erp.core.money import round_amount
from erp.core.references import document_refs, refs_attach
from erp.masterdata.models import Customer, Supplier

ZERO = Decimal("0")
KINDS = (RECEIVABLE, PAYABLE)
SETTLEMENT_SOURCES = ("accounting.customerreceipt", "accounting.supplierpayment")


def _amt(value) -> Decimal:
    """SQLite sums decimals as floats: back to whole fen."""
    return round_amount(value or ZERO)


def _kind(kind: str) -> str:
    return kind if kind in KINDS else RECEIVABLE


def partner_field(kind: str) -> str:
    return "customer" if _kind(kind) == RECEIVABLE else "supplier"


def partners(kind: str):
    model = Customer if _kind(kind) == RECEIVABLE else Supplier
    return model.objects.order_by("code")


def _settlements(kind: str):
    return CustomerReceipt if _kind(kind) == RECEIVABLE else SupplierPayment


def _allocation_lines(kind: str):
    if _kind(kind) == RECEIVABLE:
        return CustomerReceiptLine.objects.filter(receipt__state="posted"), "receipt__date"
    return SupplierPaymentLine.objects.filter(payment__state="posted"), "payment__date"


def allocated_as_of(kind: str, as_of: dt.date, item_ids=None) -> dict[int, Decimal]:
    lines, date_field = _allocation_lines(kind)
    lines = lines.filter(**{f"{date_field}__lte": as_of})
    if item_ids is not None:
        lines = lines.filter(open_item_id__in=list(item_ids))
    rows = lines.values("open_item_id").annotate(s=Sum("amount"))
    return {r["open_item_id"]: _amt(r["s"]) for r in rows}


@dataclass
class OpenRow:
    item: OpenItem
    open_amount: Decimal  # as of the date


def open_items_as_of(kind: str, as_of: dt.date, partner_id: int | None = None) -> list[OpenRow]:
    """Items dated on or before `as_of` with something open at that date. Items fully settled
    before `as_of` are skipped cheaply: a closed item whose last allocation is later than
    as_of is rare, so closed items are only read when they have an allocation after as_of."""
    kind = _kind(kind)
    items = OpenItem.objects.filter(kind=kind, doc_date__lte=as_of).select_related(
        "customer", "supplier", "account"
    )
    if partner_id is not None:
        items = items.filter(**{f"{partner_field(kind)}_id": partner_id})
    lines, date_field = _allocation_lines(kind)
    reopened = lines.filter(**{f"{date_field}__gt": as_of}).values("open_item_id")
    items = items.filter(Q(state="open") | Q(pk__in=reopened)).order_by("doc_date", "pk")
    items = list(items)
    allocated = allocated_as_of(kind, as_of, [i.pk for i in items])
    rows = [OpenRow(i, i.amount - allocated.get(i.pk, ZERO)) for i in items]
    return [r for r in rows if r.open_amount]


# --- aging ----------------------------------------------------------------------------------


@dataclass
class AgingRow:
    partner: object
    buckets: list[Decimal]
    advances: Decimal = ZERO  # negative items: 预收 / 预付 not yet applied
    overdue: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO) + self.advances


@dataclass
class Aging:
    kind: str
    as_of: dt.date
    rows: list[AgingRow]
    labels: tuple[str, ...] = tuple(b[0] for b in BUCKETS)
    totals: AgingRow | None = field(default=None)


def aging(kind: str, as_of: dt.date, partner_id: int | None = None) -> Aging:
    """Open amounts per partner in the buckets 0-30 … >365 days since the document date;
    advances separately; `overdue` = past the due date."""
    kind = _kind(kind)
    by_partner: dict[int, AgingRow] = {}
    for row in open_items_as_of(kind, as_of, partner_id):
        partner = row.item.partner
        entry = by_partner.setdefault(partner.pk, AgingRow(partner, [ZERO] * len(BUCKETS)))
        if row.open_amount < 0:
            entry.advances += row.open_amount
            continue
        entry.buckets[bucket_of(row.item.doc_date, as_of)] += row.open_amount
        if row.item.due_date < as_of:
            entry.overdue += row.open_amount
    rows = sorted(by_partner.values(), key=lambda r: r.partner.code)
    totals = AgingRow(
        None,
        [sum((r.buckets[i] for r in rows), ZERO) for i in range(len(BUCKETS))],
        sum((r.advances for r in rows), ZERO),
        sum((r.overdue for r in rows), ZERO),
    )
    return Aging(kind, as_of, rows, totals=totals)


# --- statements (对账单) ----------------------------------------------------------------------


@dataclass
class StatementRow:
    date: dt.date
    number: str
    text: str
    increase: Decimal  # invoices: what the partner owes more (or we owe more)
    decrease: Decimal  # receipts / payments
    balance: Decimal = ZERO
    due_date: dt.date | None = None
    ref: Any = None  # the DocumentRef (类型名 + number + link) where the source is a document


@dataclass
class PartnerStatement:
    kind: str
    partner: object
    date_from: dt.date
    date_to: dt.date
    opening: Decimal
    rows: list[StatementRow]

    @property
    def increase(self) -> Decimal:
        return sum((r.increase for r in self.rows), ZERO)

    @property
    def decrease(self) -> Decimal:
        return sum((r.decrease for r in self.rows), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.increase - self.decrease


def _balance_before(kind: str, partner_id: int, day: dt.date) -> Decimal:
    """Balance at the start of `day`: items (except advances, which the settlements stand
    for) minus the amounts of posted settlements."""
    pf = partner_field(kind)
    items = OpenItem.objects.filter(
        kind=kind, doc_date__lt=day, **{f"{pf}_id": partner_id}
    ).exclude(source_type__in=SETTLEMENT_SOURCES)
    docs = _settlements(kind).objects.filter(
        state="posted", date__lt=day, **{f"{pf}_id": partner_id}
    )
    return _amt(items.aggregate(s=Sum("amount"))["s"]) - _amt(docs.aggregate(s=Sum("amount"))["s"])


def partner_statement(
    kind: str, partner_id: int, date_from: dt.date, date_to: dt.date
) -> PartnerStatement:
    kind = _kind(kind)
    pf = partner_field(kind)
    partner = partners(kind).filter(pk=partner_id).first()
    opening = _balance_before(kind, partner_id, date_from)
    in_range = {"date__gte": date_from, "date__lte": date_to, f"{pf}_id": partner_id}
    items = refs_attach(
        list(
            OpenItem.objects.filter(
                kind=kind,
                doc_date__gte=date_from,
                doc_date__lte=date_to,
                **{f"{pf}_id": partner_id},
            ).exclude(source_type__in=SETTLEMENT_SOURCES)
        )
    )
    rows = [
        StatementRow(
            i.doc_date, i.source_number, i.summary, i.amount, ZERO, due_date=i.due_date,
            ref=i.source_ref,
        )
        for i in items
    ]  # fmt: skip
    label = "收款" if kind == RECEIVABLE else "付款"
    settlements = list(_settlements(kind).objects.filter(state="posted", **in_range))
    doc_type = _settlements(kind)._meta.label_lower
    refs = document_refs([(doc_type, d.pk) for d in settlements])
    rows += [
        StatementRow(
            d.date, d.number, f"{label} {d.reference}".strip(), ZERO, d.amount,
            ref=refs.get((doc_type, str(d.pk))),
        )
        for d in settlements
    ]  # fmt: skip
    rows.sort(key=lambda r: (r.date, r.decrease > 0, r.number))
    balance = opening
    for row in rows:
        balance += row.increase - row.decrease
        row.balance = balance
    return PartnerStatement(kind, partner, date_from, date_to, opening, rows)


# --- control tie-out ------------------------------------------------------------------------


@dataclass
class ControlDifference:
    account_code: str
    account_name: str
    kind: str
    partner_id: int
    partner: str
    subledger: Decimal  # Σ open amounts (receivable debit-positive, payable credit-positive)
    gl: Decimal  # the control account's balance for the partner, same sign convention

    @property
    def difference(self) -> Decimal:
        return self.gl - self.subledger


def _gl_by_partner(as_of: dt.date) -> dict[tuple[str, str, int], Decimal]:
    lines = (
        VoucherLine.objects.filter(voucher__state=VoucherState.POSTED, voucher__date__lte=as_of)
        .filter(Q(customer__isnull=False) | Q(supplier__isnull=False))
        .values("account__code", "customer_id", "supplier_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    out: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for r in lines:
        if not is_control(r["account__code"]):
            continue
        net = _amt(r["d"]) - _amt(r["c"])
        if r["customer_id"]:
            out[(r["account__code"], RECEIVABLE, r["customer_id"])] += net
        else:
            out[(r["account__code"], PAYABLE, r["supplier_id"])] -= net
    return out


def _subledger_by_partner(as_of: dt.date) -> dict[tuple[str, str, int], Decimal]:
    out: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for kind in KINDS:
        for row in open_items_as_of(kind, as_of):
            key = (row.item.account.code, kind, row.item.partner.pk)
            out[key] += row.open_amount
    return out


def control_tie_out(as_of: dt.date) -> list[ControlDifference]:
    """Every (control account, partner) with a subledger or GL balance at `as_of`."""
    gl, sub = _gl_by_partner(as_of), _subledger_by_partner(as_of)
    keys = sorted(k for k in set(gl) | set(sub) if gl.get(k) or sub.get(k))
    names = dict(Account.objects.values_list("code", "name"))
    customers = dict(Customer.objects.values_list("pk", "name"))
    suppliers = dict(Supplier.objects.values_list("pk", "name"))
    return [
        ControlDifference(
            code,
            names.get(code, ""),
            kind,
            pid,
            (customers if kind == RECEIVABLE else suppliers).get(pid, ""),
            sub.get((code, kind, pid), ZERO),
            gl.get((code, kind, pid), ZERO),
        )
        for code, kind, pid in keys
    ]


def arap_control_differences(period: Period) -> list[ControlDifference]:
    """The month-end check "AR/AP subledger = control accounts": the (account, partner) pairs
    that differ at the period's end. Empty = green."""
    return [r for r in control_tie_out(period.end) if r.difference]


def control_totals(as_of: dt.date) -> dict[str, tuple[Decimal, Decimal]]:
    """(subledger, GL) per control account code at `as_of` (the opening tie-out)."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for r in control_tie_out(as_of):
        totals[r.account_code][0] += r.subledger
        totals[r.account_code][1] += r.gl
    return {code: (s, g) for code, (s, g) in sorted(totals.items())}


def unregistered_voucher_lines(limit: int = 200):
    """Manual voucher lines on control accounts naming a partner that no open item
    represents yet (what `open_items_from_vouchers` would register)."""
    from erp.accounting.services.arap import VOUCHER_LINE_SOURCE

    done = OpenItem.objects.filter(source_type=VOUCHER_LINE_SOURCE).values_list(
        "source_id", flat=True
    )
    lines = (
        VoucherLine.objects.filter(voucher__state=VoucherState.POSTED, voucher__source_type="")
        .filter(Q(customer__isnull=False) | Q(supplier__isnull=False))
        .select_related("voucher", "account", "customer", "supplier")
        .order_by("voucher__date", "pk")
    )
    done_ids = {int(x) for x in done if str(x).isdigit()}
    return [x for x in lines if is_control(x.account.code) and x.pk not in done_ids][:limit]
