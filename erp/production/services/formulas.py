"""Formulas (配方): drafts, the Σ = 100 % rule, release (which supersedes the product's older
released versions), copy to a new version, cancel.

A formula line is a percentage of the batch. A potency line names a lot attribute (e.g.
"assay") and a target value; the formula then needs exactly one compensating line (a filler
or solvent) that gives up what the potency lines take extra at issue, so the batch total
stays the formula's. See services/orders.py for the issue arithmetic."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import InvalidTransition, ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.services.transitions import document_transition
from erp.masterdata.models import Material
from erp.production.models import Formula, FormulaLine
from erp.production.services.inputs import (
    date_in,
    decimal_in,
    field_error,
    locked,
    record_in,
    refuse_unless_draft,
    version_check,
)
from erp.production.states import FORMULA_MACHINE, FormulaState

DOC_TYPE = "production.formula"
HUNDRED = Decimal(100)
MAX_LINES = 200


def formula_create(*, actor, header: dict, lines: list[dict]) -> Formula:
    """A new formula version in draft: the next version number of its product."""
    require_perm(actor, "production.add_formula")
    with transaction.atomic():
        formula = Formula(created_by=actor, state=FormulaState.DRAFT)
        _apply_header(formula, header)
        formula.formula_version = _next_version(formula.product)
        formula.save()
        _replace_lines(formula, lines)
        audit_record(actor=actor, action="create", obj=formula, changes=_snap(formula))
    return formula


def formula_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> Formula:
    """Edit a draft version; released versions are immutable (copy them to a new version)."""
    require_perm(actor, "production.change_formula")
    with transaction.atomic():
        formula = locked(Formula, doc_id)
        refuse_unless_draft(formula, FORMULA_MACHINE)
        version_check(formula, expected_version)
        before = _snap(formula)
        product_before = formula.product_id
        _apply_header(formula, header)
        if formula.product_id != product_before:
            formula.formula_version = _next_version(formula.product)
        formula.version += 1
        formula.save()
        if lines is not None:
            _replace_lines(formula, lines)
        audit_record(
            actor=actor, action="update", obj=formula, changes=diff(before, _snap(formula))
        )
    return formula


def formula_release(*, actor, doc_id, expected_version=None) -> Formula:
    """Release a draft (质量经理): it becomes usable by orders and immutable; the product's
    older released versions are superseded (orders released with them keep them)."""
    with transaction.atomic():
        formula = locked(Formula, doc_id)
        lines = list(formula.lines.select_related("material"))
        formula_lines_check(formula, lines)
        formula = document_transition(
            actor=actor,
            doc=formula,
            machine=FORMULA_MACHINE,
            name="release",
            number_doc_type=DOC_TYPE,
            on_date=timezone.localdate(),
            expected_version=expected_version,
        )
        older = Formula.objects.filter(
            product_id=formula.product_id, state=FormulaState.RELEASED
        ).exclude(pk=formula.pk)
        for old in older.select_for_update().order_by("pk"):
            FORMULA_MACHINE.transition_queryset(
                Formula.objects.filter(pk=old.pk), "supersede", expected=1
            )
            audit_record(
                actor=actor,
                action="transition",
                obj=old,
                changes={"state": [FormulaState.RELEASED, FormulaState.SUPERSEDED]},
                note="supersede",
            )
    return formula


def formula_cancel(*, actor, doc_id, expected_version=None) -> Formula:
    with transaction.atomic():
        formula = locked(Formula, doc_id)
        return document_transition(
            actor=actor,
            doc=formula,
            machine=FORMULA_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )


def formula_copy(*, actor, doc_id) -> Formula:
    """A new draft version with the lines of `doc_id` (the way to change a released one)."""
    require_perm(actor, "production.add_formula")
    with transaction.atomic():
        source = locked(Formula, doc_id)
        if source.state == FormulaState.CANCELLED:
            raise InvalidTransition(
                _("A cancelled formula cannot be copied. Copy a released version instead."),
                code="invalid_transition",
            )
        copy = Formula.objects.create(
            created_by=actor,
            state=FormulaState.DRAFT,
            product=source.product,
            formula_version=_next_version(source.product),
            date=max(source.date, timezone.localdate()),
            valid_to=source.valid_to,
            batch_size=source.batch_size,
            note=source.note,
        )
        FormulaLine.objects.bulk_create(
            FormulaLine(
                document=copy,
                **{f: getattr(ln, f) for f in _LINE_FIELDS},
            )
            for ln in source.lines.all()
        )
        audit_record(
            actor=actor,
            action="create",
            obj=copy,
            changes=_snap(copy),
        )
    return copy


_LINE_FIELDS = (
    "line_no",
    "material_id",
    "percentage",
    "potency_attribute",
    "potency_target",
    "compensates",
    "substitute_id",
    "substitute_ratio",
)


def formula_lines_check(formula: Formula, lines: list[FormulaLine]) -> None:
    """The rules every formula keeps: lines present, Σ percentages = 100 %, one compensating
    line when there is a potency line (and it is not itself potency adjusted)."""
    if not lines:
        raise ValidationFailed(_("Add at least one component line."), code="no_lines")
    total = sum((ln.percentage for ln in lines), Decimal(0))
    if total != HUNDRED:
        raise field_error(
            "lines",
            _(
                "The percentages add up to %(total)s %%, not 100 %%: correct the lines "
                "(difference %(diff)s %%)."
            )
            % {"total": _pct(total), "diff": _pct(HUNDRED - total)},
        )
    compensating = [ln for ln in lines if ln.compensates]
    if len(compensating) > 1:
        raise field_error("lines", _("Mark at most one line as the compensating line."))
    if any(ln.is_potency for ln in lines) and not compensating:
        raise field_error(
            "lines",
            _(
                "A formula with a potency line needs a compensating line (a filler or solvent "
                "that gives up the extra quantity): mark one."
            ),
        )
    if compensating and compensating[0].is_potency:
        raise field_error("lines", _("The compensating line cannot itself be potency adjusted."))


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _next_version(product) -> int:
    top = Formula.objects.filter(product=product).aggregate(v=Max("formula_version"))["v"]
    return (top or 0) + 1


def _apply_header(formula: Formula, header: dict) -> None:
    if "product_id" in header or not formula.product_id:
        formula.product = record_in(Material, header.get("product_id"), "product_id")
    if "date" in header or formula.date is None:
        formula.date = date_in(header.get("date"), "date") or timezone.localdate()
    if "valid_to" in header:
        formula.valid_to = date_in(header.get("valid_to"), "valid_to")
    if formula.valid_to and formula.valid_to < formula.date:
        raise field_error("valid_to", _("The end date cannot be before the effective date."))
    if "batch_size" in header or formula.batch_size is None:
        size = decimal_in(header.get("batch_size"), "batch_size")
        if size <= 0:
            raise field_error("batch_size", _("Enter a batch size greater than zero."))
        formula.batch_size = size
    if "note" in header:
        formula.note = (header.get("note") or "").strip()


def _replace_lines(formula: Formula, lines: list[dict]) -> None:
    if len(lines) > MAX_LINES:
        raise field_error("lines", _("A formula can have at most 200 lines."))
    rows = [_line(formula, data, no) for no, data in enumerate(lines, start=1)]
    if rows:  # an empty draft may be saved; release checks again
        formula_lines_check(formula, rows)
    FormulaLine.objects.filter(document=formula).delete()
    FormulaLine.objects.bulk_create(rows)


def _line(formula: Formula, data: dict, no: int) -> FormulaLine:
    where = f"lines.{no}"
    material = record_in(Material, data.get("material_id"), f"{where}.material_id")
    if material.pk == formula.product_id:
        raise field_error(
            f"{where}.material_id",
            _("Line %(no)s: a product cannot be a component of its own formula.") % {"no": no},
        )
    pct = decimal_in(data.get("percentage"), f"{where}.percentage")
    if pct <= 0 or pct > HUNDRED:
        raise field_error(
            f"{where}.percentage",
            _("Line %(no)s: enter a percentage above 0 and at most 100.") % {"no": no},
        )
    line = FormulaLine(
        document=formula,
        line_no=no,
        material=material,
        percentage=pct,
        potency_attribute=(data.get("potency_attribute") or "").strip(),
        potency_target=decimal_in(
            data.get("potency_target"), f"{where}.potency_target", required=False
        ),
        compensates=bool(data.get("compensates")),
    )
    _potency_check(line, no, where)
    _substitute(line, data, no, where)
    return line


def _potency_check(line: FormulaLine, no: int, where: str) -> None:
    if bool(line.potency_attribute) != (line.potency_target is not None):
        raise field_error(
            f"{where}.potency_target",
            _("Line %(no)s: a potency line needs both the lot attribute and the target value.")
            % {"no": no},
        )
    if line.potency_target is not None and not 0 < line.potency_target <= HUNDRED:
        raise field_error(
            f"{where}.potency_target",
            _("Line %(no)s: enter a potency target above 0 and at most 100.") % {"no": no},
        )


def _substitute(line: FormulaLine, data: dict, no: int, where: str) -> None:
    if not data.get("substitute_id"):
        return
    line.substitute = record_in(Material, data.get("substitute_id"), f"{where}.substitute_id")
    if line.substitute.pk == line.material.pk:
        raise field_error(
            f"{where}.substitute_id",
            _("Line %(no)s: choose a substitute other than the component.") % {"no": no},
        )
    ratio = decimal_in(data.get("substitute_ratio") or "1", f"{where}.substitute_ratio")
    if ratio <= 0:
        raise field_error(
            f"{where}.substitute_ratio",
            _("Line %(no)s: enter a substitute ratio greater than zero.") % {"no": no},
        )
    line.substitute_ratio = ratio


def _snap(formula: Formula) -> dict:
    data = snapshot(formula, ["product_id", "date", "valid_to", "batch_size", "note"])
    data["lines"] = [
        f"{ln.material_id}:{ln.percentage}" for ln in FormulaLine.objects.filter(document=formula)
    ]
    return data
