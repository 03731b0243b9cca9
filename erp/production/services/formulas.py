"""Formulas (配方): drafts, the Σ = 100 % rule, approval, release (which supersedes the
product's older released versions), copy to a new version, cancel.

draft → submitted (an approval request; the engine approves or sends it back to draft) →
approved → released → superseded. With no approval rule for the formula the request is
approved at once, so release straight from a draft still works where no rule is set up.

A formula line has a mode (calc.py): percentage, absolute per base batch, fixed, balance or
packaging, and a loss %. A potency line names a lot attribute (e.g. "assay") and a target
value; the formula then needs a balance or compensating line (a filler or solvent) that gives
up what the potency lines take extra at issue, so the batch total stays the formula's. See
services/orders.py for the issue arithmetic."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.approvals.contract import ApprovalSubject, approval_subject_register
from erp.approvals.services.requests import approval_submit
from erp.approvals.states import RequestState
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, InvalidTransition, ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.services.transitions import document_transition
from erp.masterdata.models import Material
from erp.production import calc
from erp.production.models import Formula, FormulaLine, LineMode
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


def formula_submit(*, actor, doc_id, expected_version=None) -> Formula:
    """Submit a draft for approval (技术 creates, the rule's approvers decide): numbered, and
    frozen while the request runs; approved at once when no rule applies."""
    with transaction.atomic():
        formula = locked(Formula, doc_id)
        formula_lines_check(formula, list(formula.lines.select_related("material")))
        formula = document_transition(
            actor=actor,
            doc=formula,
            machine=FORMULA_MACHINE,
            name="submit",
            number_doc_type=DOC_TYPE,
            on_date=timezone.localdate(),
            expected_version=expected_version,
        )
        request = approval_submit(actor=actor, doc=formula)
        if request.state == RequestState.APPROVED:
            _engine_transition(
                formula, "approve", actor=actor, note=f"approval request {request.pk}"
            )
    return formula


def formula_release(*, actor, doc_id, expected_version=None) -> Formula:
    """Release an approved version (质量经理), or a draft when no approval rule applies: it
    becomes usable by orders; the product's older released versions are superseded (orders
    released with them keep them)."""
    with transaction.atomic():
        formula = locked(Formula, doc_id)
        if formula.state == FormulaState.DRAFT:
            require_perm(actor, "production.release_formula")
            formula = formula_submit(actor=actor, doc_id=doc_id, expected_version=expected_version)
            if formula.state != FormulaState.APPROVED:
                raise BusinessRuleError(
                    _(
                        "Formula %(formula)s needs approval before release: submit it for "
                        "approval and release it once the approvers have approved it."
                    )
                    % {"formula": str(formula)},
                    code="approval_required",
                )
            expected_version = None  # submitting bumped it
        formula_lines_check(formula, list(formula.lines.select_related("material")))
        formula = document_transition(
            actor=actor,
            doc=formula,
            machine=FORMULA_MACHINE,
            name="release",
            expected_version=expected_version,
        )
        _supersede_older(actor, formula)
    return formula


def _supersede_older(actor, formula: Formula) -> None:
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


def _engine_transition(formula: Formula, name: str, *, actor=None, note: str = "") -> None:
    """Move the locked formula along an engine-driven transition (approve, reopen). The
    version is the engine's: left alone."""
    transition = FORMULA_MACHINE.transition_for(formula.state, name)
    before = formula.state
    formula.state = transition.target
    formula.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="transition",
        obj=formula,
        changes={"state": [before, formula.state]},
        note=f"{name}: {note}" if note else name,
    )


def _on_decided(formula: Formula, request) -> None:
    if formula.state != FormulaState.SUBMITTED:
        return
    name = "approve" if request.state == RequestState.APPROVED else "reopen"
    _engine_transition(formula, name, note=f"approval request {request.pk}: {request.state}")


def formulas_register() -> None:
    """Plug formulas into the approvals engine (apps.py ready())."""
    from django.urls import reverse

    approval_subject_register(
        ApprovalSubject(
            doc_type=DOC_TYPE,
            model=Formula,
            label=_("Formula"),
            rule_fields=lambda f: {"amount": f.batch_size, "product": f.product.code},
            extra_fields={"product": ("code", _("Product"))},
            summary=lambda f: [
                (_("Product"), str(f.product)),
                (_("Formula version"), f"V{f.formula_version}"),
                (_("Batch size"), f"{f.batch_size.normalize():f}"),
                (_("Expected yield %"), f"{f.yield_pct.normalize():f}"),
            ],
            lines=lambda f: (
                [_("Component"), _("Line mode"), _("Percentage"), _("Quantity"), _("Loss %")],
                [
                    [
                        str(ln.material),
                        ln.get_mode_display(),
                        _pct(ln.percentage),
                        _pct(ln.quantity),
                        _pct(ln.loss_pct),
                    ]
                    for ln in f.lines.select_related("material")
                ],
            ),
            url=lambda f: reverse("production:formula_detail", args=[f.pk]),
            on_decided=_on_decided,
        )
    )


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
            yield_pct=source.yield_pct,
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
    "mode",
    "percentage",
    "quantity",
    "loss_pct",
    "potency_attribute",
    "potency_target",
    "compensates",
    "substitute_id",
    "substitute_ratio",
)


def formula_lines_check(formula: Formula, lines: list[FormulaLine]) -> None:
    """The rules every formula keeps: lines present; at most one balance line; the bulk
    (percentage, absolute at the base batch, balance) = 100 % (within calc.TOLERANCE without
    a balance line; a balance line that would go negative is refused naming it and the
    largest line); one balance or compensating line when there is a potency line."""
    if not lines:
        raise ValidationFailed(_("Add at least one component line."), code="no_lines")
    balance = [ln for ln in lines if ln.mode == LineMode.BALANCE]
    if len(balance) > 1:
        raise field_error(
            "lines",
            _("Lines %(lines)s are all balance lines: keep one and give the others a quantity.")
            % {"lines": ", ".join(str(ln.line_no) for ln in balance)},
        )
    total = calc.bulk_total([ln.calc_line for ln in lines], formula.batch_size)
    if balance and total > HUNDRED:
        raise _balance_negative(balance[0], lines, total)
    if not balance and abs(total - HUNDRED) > calc.TOLERANCE:
        raise field_error(
            "lines",
            _(
                "The percentages add up to %(total)s %%, not 100 %%: correct the lines "
                "(difference %(diff)s %%) or add a balance line."
            )
            % {"total": _pct(total), "diff": _pct(HUNDRED - total)},
        )
    _compensating_check(lines, balance)


def _balance_negative(balance: FormulaLine, lines, total) -> ValidationFailed:
    bulk = [ln for ln in lines if ln.mode in (LineMode.PERCENTAGE, LineMode.ABSOLUTE)]
    largest = max(bulk, key=lambda ln: calc.share(ln.calc_line, ln.document.batch_size))
    return field_error(
        "lines",
        _(
            "The balance line %(balance)s (line %(no)s) would be %(short)s %% below zero: the "
            "other bulk lines, largest %(largest)s (line %(largest_no)s), add up to %(total)s "
            "%%. Reduce them to at most 100 %%."
        )
        % {
            "balance": balance.material.code,
            "no": balance.line_no,
            "short": _pct(total - HUNDRED),
            "largest": largest.material.code,
            "largest_no": largest.line_no,
            "total": _pct(total),
        },
    )


def _compensating_check(lines, balance) -> None:
    compensating = [ln for ln in lines if ln.compensates]
    if len(compensating) > 1 or (balance and compensating):
        raise field_error(
            "lines",
            _(
                "Mark at most one line as the compensating line (a balance line already "
                "compensates)."
            ),
        )
    absorbing = (balance or compensating or [None])[0]
    if any(ln.is_potency for ln in lines) and absorbing is None:
        raise field_error(
            "lines",
            _(
                "A formula with a potency line needs a balance or compensating line (a filler "
                "or solvent that gives up the extra quantity): mark one."
            ),
        )
    if absorbing is not None and absorbing.is_potency:
        raise field_error(
            "lines",
            _("The balance or compensating line cannot itself be potency adjusted."),
        )


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
    if "yield_pct" in header or formula.yield_pct is None:
        formula.yield_pct = _yield_in(header.get("yield_pct"))
    if "batch_size" in header or formula.batch_size is None:
        size = decimal_in(header.get("batch_size"), "batch_size")
        if size <= 0:
            raise field_error("batch_size", _("Enter a batch size greater than zero."))
        formula.batch_size = size
    if "note" in header:
        formula.note = (header.get("note") or "").strip()


def _yield_in(value) -> Decimal:
    found = decimal_in(value, "yield_pct", required=False)
    if found is None:
        return HUNDRED
    if not 0 < found <= HUNDRED:
        raise field_error("yield_pct", _("Enter an expected yield above 0 and at most 100 %."))
    return found


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
    mode = data.get("mode") or LineMode.PERCENTAGE
    if mode not in LineMode.values:
        raise field_error(f"{where}.mode", _("Line %(no)s: choose a line mode.") % {"no": no})
    line = FormulaLine(
        document=formula,
        line_no=no,
        material=material,
        mode=mode,
        loss_pct=_loss_in(data, no, where),
        potency_attribute=(data.get("potency_attribute") or "").strip(),
        potency_target=decimal_in(
            data.get("potency_target"), f"{where}.potency_target", required=False
        ),
        compensates=bool(data.get("compensates")),
    )
    _amount(line, data, no, where)
    _potency_check(line, no, where)
    _substitute(line, data, no, where)
    return line


def _loss_in(data: dict, no: int, where: str) -> Decimal:
    loss = decimal_in(data.get("loss_pct"), f"{where}.loss_pct", required=False) or Decimal(0)
    if not 0 <= loss < HUNDRED:
        raise field_error(
            f"{where}.loss_pct",
            _("Line %(no)s: enter a loss of at least 0 and below 100 %%.") % {"no": no},
        )
    return loss


def _amount(line: FormulaLine, data: dict, no: int, where: str) -> None:
    """The percentage (percentage lines) or the quantity (absolute, fixed, packaging); a
    balance line has neither: it takes the rest."""
    line.percentage, line.quantity = Decimal(0), Decimal(0)
    if line.mode == LineMode.BALANCE:
        if line.compensates:
            line.compensates = False  # the balance line compensates anyway
        return
    if line.mode == LineMode.PERCENTAGE:
        pct = decimal_in(data.get("percentage"), f"{where}.percentage")
        if pct <= 0 or pct > HUNDRED:
            raise field_error(
                f"{where}.percentage",
                _("Line %(no)s: enter a percentage above 0 and at most 100.") % {"no": no},
            )
        line.percentage = pct
        return
    qty = decimal_in(data.get("quantity"), f"{where}.quantity")
    if qty <= 0:
        raise field_error(
            f"{where}.quantity",
            _("Line %(no)s: enter a quantity greater than zero for this line mode.") % {"no": no},
        )
    if line.mode != LineMode.ABSOLUTE and (line.compensates or line.is_potency):
        raise field_error(
            f"{where}.mode",
            _(
                "Line %(no)s: only a percentage or absolute line can be potency adjusted or "
                "compensating."
            )
            % {"no": no},
        )
    line.quantity = qty


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


def line_audit_text(value: str) -> str:
    """An audited line ("material id:mode:percentage:quantity:loss") in words, for the audit
    trail: "RM-3007 补足至100%", "RM-2005 按基准批量绝对量 100 损耗% 1"."""
    parts = str(value).split(":")
    if len(parts) != 5 or parts[1] not in LineMode.values:
        return str(value)
    material = Material.objects.filter(pk=parts[0]).values_list("code", flat=True).first()
    pct, qty, loss = (Decimal(x) for x in parts[2:])
    words = [material or parts[0], str(LineMode(parts[1]).label)]
    if parts[1] == LineMode.PERCENTAGE:
        words.append(f"{_pct(pct)} %")
    elif parts[1] != LineMode.BALANCE:
        words.append(_pct(qty))
    if loss:
        words.append(f"{_('Loss %')} {_pct(loss)}")
    return " ".join(words)


def _snap(formula: Formula) -> dict:
    data = snapshot(formula, ["product_id", "date", "valid_to", "batch_size", "yield_pct", "note"])
    data["lines"] = [
        f"{ln.material_id}:{ln.mode}:{ln.percentage}:{ln.quantity}:{ln.loss_pct}"
        for ln in FormulaLine.objects.filter(document=formula)
    ]
    return data
