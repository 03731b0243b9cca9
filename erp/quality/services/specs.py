"""Customer specifications (客户质量标准): is a lot good enough for this customer? Quality
registers `lot_customer_spec_problems` as a customer lot check (erp/core/customer_lot_checks.py):
sales asks it at lot pick, in its FEFO proposal and when it posts a delivery. The COA printed for
the customer shows their limits and hides what their spec hides."""

from django.utils.translation import gettext_lazy as _

from erp.core.errors import ValidationFailed
from erp.quality.models import CharacteristicKind, InspectionLot, InspectionLotState
from erp.quality.selectors import limits_shown
from erp.quality.services.inspections import judge
from erp.quality.services.plans import customer_spec_for

DECIDED_USABLE = (InspectionLotState.RELEASED, InspectionLotState.CONDITIONAL)


def last_usable_inspection(lot) -> InspectionLot | None:
    return (
        InspectionLot.objects.filter(lot=lot, state__in=DECIDED_USABLE)
        .order_by("-decided_at", "-pk")
        .first()
    )


def lot_customer_spec_problems(*, lot, customer) -> list[str]:
    """What keeps `lot` from going to `customer`: each characteristic of the customer's spec
    that the lot's last released inspection did not measure or measured outside the limits.
    [] when the lot meets the spec, or the customer has none for the material."""
    spec = customer_spec_for(material=lot.material, customer=customer)
    if spec is None:
        return []
    last = last_usable_inspection(lot)
    results = {r.name: r for r in last.lines.all()} if last else {}
    problems = []
    for c in spec.lines.all():
        r = results.get(c.name)
        numeric = c.kind == CharacteristicKind.NUMERIC
        if r is None or (r.value is None if numeric else r.passed is None):
            problems.append(str(_("%(name)s not measured") % {"name": c.name}))
        elif numeric and not judge(c, r.value):
            problems.append(
                str(
                    _("%(name)s %(value)s outside %(limits)s")
                    % {
                        "name": c.name,
                        "value": f"{r.value.normalize():f}",
                        "limits": f"{limits_shown(c)} {c.unit}".strip(),
                    }
                )
            )
        elif not numeric and r.passed is False:
            problems.append(str(_("%(name)s failed") % {"name": c.name}))
    return problems


def lot_customer_spec_require(*, lot, customer) -> None:
    """Refuse a lot that does not meet the customer's specification (before picking)."""
    problems = lot_customer_spec_problems(lot=lot, customer=customer)
    if problems:
        raise ValidationFailed(
            _(
                "Lot %(lot)s does not meet the specification of %(customer)s: %(problems)s. "
                "Pick another lot."
            )
            % {"lot": lot.number, "customer": customer, "problems": "；".join(problems)},
            code="customer_spec_not_met",
        )
