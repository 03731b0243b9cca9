"""Helpers every sales service uses: row locks, version and draft checks, input parsing and the
one line-amount rule (erp/masterdata/vat.py)."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from erp.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from erp.core.services.audit import snapshot
from erp.core.states import state_label
from erp.masterdata.models import Material
from erp.masterdata.vat import (
    PRICE_PLACES,
    VatRate,
    document_totals,
    line_amounts,
    places,
)

ZERO = Decimal("0")
MAX_LINES = 200


def as_int(value) -> int:
    return value if isinstance(value, int) else int(value) if str(value).isdigit() else -1


def locked(model, doc_id):
    doc = model.objects.select_for_update().filter(pk=as_int(doc_id)).first()
    if doc is None:
        raise NotFound()
    return doc


def version_check(doc, expected_version) -> None:
    if expected_version is not None and doc.version != expected_version:
        raise Conflict(
            _("The document was changed by someone else meanwhile. Reload it and try again."),
            code="version_conflict",
            expected=expected_version,
            actual=doc.version,
        )


def refuse_unless_draft(doc) -> None:
    if doc.state != "draft":
        raise Conflict(
            _("%(doc)s is %(state)s and can no longer be changed.")
            % {"doc": doc, "state": state_label(doc.state)},
            code="document_frozen",
        )


def field_error(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [str(message)]})


def line_error(no: int, field: str, message) -> ValidationFailed:
    text = _("Line %(line)s: %(problem)s") % {"line": no, "problem": message}
    return ValidationFailed(text, fields={f"line {no}": [str(message)]}, code=f"invalid_{field}")


def decimal_of(value, *, no: int, field: str, label, max_places: int) -> Decimal:
    """A decimal typed by a user: refused (never rounded away) beyond `max_places`."""
    if isinstance(value, float):
        value = str(value)
    try:
        number = Decimal(str(value).strip()) if value not in (None, "") else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise line_error(no, field, _("enter %(label)s as a number.") % {"label": label})
    if places(number) > max_places:
        raise line_error(
            no,
            field,
            _("%(label)s has more than %(places)s decimals.")
            % {"label": label, "places": max_places},
        )
    return number


def quantity_of(value, *, no: int) -> Decimal:
    qty = decimal_of(value, no=no, field="quantity", label=_("the quantity"), max_places=4)
    if qty <= 0:
        raise line_error(no, "quantity", _("enter a quantity greater than zero."))
    return qty


def priced_values(row: dict[str, Any], *, no: int, material, includes_tax: bool) -> dict:
    """Price, rate, discount and the rounded line amounts of a priced line."""
    price = decimal_of(
        row.get("unit_price"),
        no=no,
        field="unit_price",
        label=_("the unit price"),
        max_places=PRICE_PLACES,
    )
    if price < 0:
        raise line_error(no, "unit_price", _("the unit price cannot be negative."))
    rate = str(row.get("vat_rate") or material.vat_rate)
    if rate not in VatRate.values:
        raise line_error(
            no, "vat_rate", _("choose a VAT rate from the list (13%, 9%, 6%, 3%, 0 or exempt).")
        )
    discount = decimal_of(
        row.get("discount_pct") or 0,
        no=no,
        field="discount_pct",
        label=_("the discount %"),
        max_places=2,
    )
    if not ZERO <= discount < 100:
        raise line_error(no, "discount_pct", _("enter a discount from 0 to 99.99 %."))
    qty = quantity_of(row.get("quantity"), no=no)
    amounts = line_amounts(
        quantity=qty, price=price, price_includes_tax=includes_tax, rate=rate, discount_pct=discount
    )
    return {
        "material": material,
        "quantity": qty,
        "unit_price": price,
        "vat_rate": rate,
        "discount_pct": discount,
        "net_amount": amounts.net,
        "tax_amount": amounts.tax,
        "amount": amounts.gross,
        "_amounts": amounts,
    }


def priced_lines(rows: list[dict], includes_tax: bool, extra=None) -> list[dict]:
    """A quotation's or order's lines checked and priced by the one amount rule; `extra(row,
    no)` adds the document's own line fields (an order line's requested date, ...)."""
    lines_required(rows)
    materials = Material.objects.in_bulk({as_int(r.get("material_id") or 0) for r in rows})
    cleaned = []
    for no, row in enumerate(rows, start=1):
        material = materials.get(as_int(row.get("material_id") or 0))
        if material is None or not material.active:
            raise line_error(no, "material", _("choose an active material."))
        values = priced_values(row, no=no, material=material, includes_tax=includes_tax)
        if extra is not None:
            values.update(extra(row, no))
        cleaned.append(values)
    return cleaned


def priced_lines_write(doc, line_model, cleaned: list[dict]) -> None:
    """Replace the document's lines with `cleaned` and set its totals."""
    doc.lines.all().delete()
    line_model.objects.bulk_create(
        line_model(
            document=doc, line_no=no, **{k: v for k, v in row.items() if not k.startswith("_")}
        )
        for no, row in enumerate(cleaned, start=1)
    )
    totals_apply(doc, cleaned)


def priced_snapshot(doc, header_fields: list[str]) -> dict:
    """The audit snapshot of a priced document: its header fields and one entry per line."""
    data = snapshot(doc, header_fields)
    # Readable in the audit trail: "FG-1001 100 × 45.80 (13%, -3%)".
    data["lines"] = [
        f"{x.material.code} {x.quantity.normalize():f} × {x.unit_price.normalize():f}"
        f" ({x.vat_rate}%, -{x.discount_pct.normalize():f}%)"
        for x in doc.lines.select_related("material").order_by("line_no")
    ]
    return data


def totals_apply(doc, rows: list[dict]) -> None:
    totals = document_totals(r["_amounts"] for r in rows)
    doc.net_total, doc.tax_total, doc.total = totals.net, totals.tax, totals.gross
    if hasattr(doc, "discount_total"):
        doc.discount_total = totals.discount


def date_of(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise field_error(field, _("Enter the date as 2026-03-01.")) from None


def lines_required(lines) -> None:
    if not lines:
        raise ValidationFailed(
            _("Add at least one line."),
            fields={"lines": [str(_("Add at least one line."))]},
            code="no_lines",
        )
    if len(lines) > MAX_LINES:
        raise BusinessRuleError(
            _("A document has at most %(max)s lines. Split it.") % {"max": MAX_LINES},
            code="too_many_lines",
        )
