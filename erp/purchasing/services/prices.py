"""Supplier price lists (供应商价格表): save a draft, activate, cancel.

A list prices one material of one supplier from its date (valid from) to `valid_to` (open
when empty), with quantity breaks as lines (from quantity → unit price), in CNY and on the
basis (含税/不含税) of the order line. Activating checks what a draft may still lack: breaks,
an approved supplier for the material, and no overlap with another active list of the same
supplier and material, so at most one list answers "what does it cost on this date".
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.masterdata.models import Material, Supplier
from erp.purchasing import selectors
from erp.purchasing.models import SupplierPrice, SupplierPriceBreak
from erp.purchasing.services.documents import (
    date_in,
    decimal_in,
    line_error,
    locked,
    price_in,
    refuse_unless,
    too_many_lines,
    version_check,
)
from erp.purchasing.states import PRICE_MACHINE, PriceState

DOC_TYPE = "purchasing.supplierprice"
S = PriceState
HEADER_FIELDS = ["date", "valid_to", "supplier_id", "material_id", "price_includes_tax", "note"]


def _header_clean(header: dict) -> dict:
    supplier = Supplier.objects.filter(pk=header.get("supplier_id") or 0, active=True).first()
    if supplier is None:
        raise ValidationFailed(fields={"supplier": [str(_("Choose an active supplier."))]})
    material = Material.objects.filter(pk=header.get("material_id") or 0, active=True).first()
    if material is None:
        raise ValidationFailed(fields={"material": [str(_("Choose an active material."))]})
    valid_from = date_in(header.get("date"), "date", _("the first day the price is valid"))
    valid_to = date_in(header.get("valid_to"), "valid_to", _("the last day"), required=False)
    if valid_to is not None and valid_to < valid_from:
        raise ValidationFailed(
            _("Valid to (%(to)s) is before valid from (%(from)s): correct one of the dates.")
            % {"to": valid_to, "from": valid_from},
            code="invalid_validity",
            fields={"valid_to": [str(_("Enter a date on or after valid from."))]},
        )
    includes_tax = header.get("price_includes_tax")
    return {
        "supplier": supplier,
        "material": material,
        "date": valid_from,
        "valid_to": valid_to,
        "price_includes_tax": True if includes_tax is None else bool(includes_tax),
        "note": str(header.get("note") or "").strip(),
    }


def _breaks_clean(lines: list[dict]) -> list[dict]:
    """Breaks in the order entered; each from quantity above the one before, so which break
    applies to a quantity is never ambiguous."""
    too_many_lines(lines)
    cleaned: list[dict] = []
    for n, ln in enumerate(lines, 1):
        min_quantity = decimal_in(
            ln.get("min_quantity") if ln.get("min_quantity") not in (None, "") else "0",
            n,
            "min_quantity",
            _("from quantity"),
            max_places=4,
            positive=False,
        )
        if cleaned and min_quantity <= cleaned[-1]["min_quantity"]:
            raise line_error(
                n,
                "min_quantity",
                _(
                    "from quantity %(this)s is not above %(before)s of line %(prev)s: enter the "
                    "breaks with increasing quantities."
                )
                % {
                    "this": f"{min_quantity.normalize():f}",
                    "before": f"{cleaned[-1]['min_quantity'].normalize():f}",
                    "prev": n - 1,
                },
            )
        cleaned.append({"min_quantity": min_quantity, "price": price_in(ln.get("price"), n)})
    return cleaned


def _breaks_write(doc: SupplierPrice, cleaned: list[dict]) -> None:
    doc.lines.all().delete()
    SupplierPriceBreak.objects.bulk_create(
        SupplierPriceBreak(document=doc, line_no=n, **values) for n, values in enumerate(cleaned, 1)
    )


def _snap(doc: SupplierPrice) -> dict:
    data = snapshot(doc, HEADER_FIELDS)
    data["lines"] = [line_text("≥", x.min_quantity, price=x.price) for x in doc.lines.all()]
    return data


def supplier_price_create(*, actor, header: dict, lines: list[dict]) -> SupplierPrice:
    require_perm(actor, "purchasing.add_supplierprice")
    cleaned_header = _header_clean(header)
    cleaned = _breaks_clean(lines)
    with transaction.atomic():
        doc = SupplierPrice.objects.create(state=S.DRAFT, created_by=actor, **cleaned_header)
        _breaks_write(doc, cleaned)
        audit_record(actor=actor, action="create", obj=doc, changes=diff({}, _snap(doc)))
    return doc


def supplier_price_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> SupplierPrice:
    require_perm(actor, "purchasing.change_supplierprice")
    with transaction.atomic():
        doc = locked(SupplierPrice, doc_id)
        version_check(doc, expected_version)
        refuse_unless(doc, (S.DRAFT,))
        current = {f: getattr(doc, f) for f in HEADER_FIELDS}
        cleaned_header = _header_clean({**current, **header})
        if lines is None:
            lines = [{"min_quantity": x.min_quantity, "price": x.price} for x in doc.lines.all()]
        cleaned = _breaks_clean(lines)
        before = _snap(doc)
        for name, value in cleaned_header.items():
            setattr(doc, name, value)
        _breaks_write(doc, cleaned)
        doc.version += 1
        doc.save()
        audit_record(actor=actor, action="update", obj=doc, changes=diff(before, _snap(doc)))
    return doc


# --- activate and cancel --------------------------------------------------------------------


def _overlap_refuse(doc: SupplierPrice) -> None:
    other = selectors.price_lists_overlapping(doc).first()
    if other is not None:
        raise BusinessRuleError(
            _(
                "%(other)s already prices %(material)s of %(supplier)s from %(from)s to %(to)s: "
                "the validity overlaps. Shorten or cancel that list, or change the dates."
            )
            % {
                "other": other.number,
                "material": doc.material,
                "supplier": doc.supplier,
                "from": other.date,
                "to": other.valid_to or _("open end"),
            },
            code="price_overlap",
        )


def _activation_check(doc: SupplierPrice) -> None:
    if not doc.lines.exists():
        raise BusinessRuleError(
            _("Enter at least one price line before activating the price list."), code="no_lines"
        )
    if not selectors.supplier_approved_for(doc.supplier, doc.material):
        raise BusinessRuleError(
            _(
                "%(supplier)s is not an approved supplier of %(material)s: ask quality to approve "
                "the supplier (and add the material to its supplied materials) first."
            )
            % {"supplier": doc.supplier, "material": doc.material},
            code="supplier_not_approved",
        )
    _overlap_refuse(doc)


def supplier_price_activate(*, actor, doc_id, expected_version=None) -> SupplierPrice:
    with transaction.atomic():
        doc = locked(SupplierPrice, doc_id)
        version_check(doc, expected_version)
        if doc.state == S.DRAFT:
            _activation_check(doc)
        return document_transition(
            actor=actor,
            doc=doc,
            machine=PRICE_MACHINE,
            name="activate",
            number_doc_type=DOC_TYPE,
            on_date=doc.date,
        )


def supplier_price_cancel(*, actor, doc_id, expected_version=None) -> SupplierPrice:
    with transaction.atomic():
        doc = locked(SupplierPrice, doc_id)
        return document_transition(
            actor=actor,
            doc=doc,
            machine=PRICE_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )


def supplier_price_import_update(*, actor, doc: SupplierPrice, header: dict, lines: list[dict]):
    """For the import template: a draft takes the file's breaks; an active list is left
    alone (refused), so a file never changes the prices orders are taking."""
    if doc.state != S.DRAFT:
        raise BusinessRuleError(
            _(
                "%(doc)s is already active: a file does not change it. Cancel it first, or "
                "import the new prices with a new valid-from date."
            )
            % {"doc": doc.number},
            code="price_active",
        )
    cleaned = _breaks_clean(lines)
    same_header = (doc.valid_to, doc.price_includes_tax) == (
        header.get("valid_to"),
        True if header.get("price_includes_tax") is None else bool(header["price_includes_tax"]),
    )
    current = [(x.min_quantity, x.price) for x in doc.lines.order_by("line_no")]
    if same_header and current == [(x["min_quantity"], x["price"]) for x in cleaned]:
        return doc, "unchanged"
    return supplier_price_update(actor=actor, doc_id=doc.pk, header=header, lines=lines), "updated"
