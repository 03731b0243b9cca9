"""Inspection plans (检验方案): drafts with their characteristics, activation (which retires
the plan it replaces) and retirement; `plan_for` picks the plan a new inspection uses."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.services.transitions import document_transition
from erp.masterdata.models import Customer, Material, MaterialCategory
from erp.quality.models import (
    CharacteristicKind,
    InspectionCharacteristic,
    InspectionLevel,
    InspectionPlan,
    InspectionType,
    PlanState,
    SamplingScheme,
)
from erp.quality.sampling import AQLS, aql_index
from erp.quality.services._common import decimal_or_none, locked, refuse_unless, version_check
from erp.quality.states import PLAN_MACHINE

DOC_TYPE = "quality.inspectionplan"
MAX_LINES = 100
HEADER_FIELDS = [
    "name",
    "inspection_type",
    "material_id",
    "category_id",
    "date",
    "sampling",
    "customer_id",
    "sampling_scheme",
    "sample_size",
    "aql",
    "inspection_level",
    "retest_interval_days",
    "retest_blocks_lot",
]


def _header(header: dict) -> dict:
    name = (header.get("name") or "").strip()
    if not name:
        raise ValidationFailed(
            _("Enter the plan name, for example 树脂来料检验."), code="name_required"
        )
    kind = header.get("inspection_type") or ""
    if kind not in InspectionType.values:
        raise ValidationFailed(
            _("Choose the inspection type: incoming, in-process or final."),
            code="invalid_inspection_type",
        )
    material_id, category_id = header.get("material_id"), header.get("category_id")
    if bool(material_id) == bool(category_id):
        raise ValidationFailed(
            _("Choose either a material or a material category for the plan, not both."),
            code="plan_scope",
        )
    if material_id and not Material.objects.filter(pk=material_id).exists():
        raise ValidationFailed(_("Choose a material from the list."), code="invalid_material")
    if category_id and not MaterialCategory.objects.filter(pk=category_id).exists():
        raise ValidationFailed(
            _("Choose a material category from the list."), code="invalid_category"
        )
    customer_id = header.get("customer_id") or None
    if customer_id and not Customer.objects.filter(pk=customer_id).exists():
        raise ValidationFailed(_("Choose a customer from the list."), code="invalid_customer")
    return {
        "customer_id": customer_id,
        "name": name[:100],
        "inspection_type": kind,
        "material_id": material_id or None,
        "category_id": category_id or None,
        "date": header.get("date") or timezone.localdate(),
        "sampling": (header.get("sampling") or "").strip()[:200],
        "note": (header.get("note") or "").strip(),
        **_sampling(header),
        "retest_interval_days": _retest_days(header.get("retest_interval_days")),
        "retest_blocks_lot": header.get("retest_blocks_lot") is not False,
    }


def _retest_days(raw) -> int | None:
    days = decimal_or_none(raw, field="retest_interval_days", label=_("Retest interval (days)"))
    if days is None:
        return None
    if days < 1 or days != days.to_integral_value():
        raise ValidationFailed(
            _("Enter the retest interval as whole days of at least 1, for example 180."),
            code="invalid_retest_interval",
            fields={"retest_interval_days": [str(_("Enter a whole number of at least 1."))]},
        )
    return int(days)


def _sampling(header: dict) -> dict:
    """The sampling scheme: a fixed sample size, or GB/T 2828.1 with an AQL of its table at
    general inspection level I, II (default) or III. Values of another scheme are dropped."""
    scheme = header.get("sampling_scheme") or ""
    if scheme not in SamplingScheme.values:
        raise ValidationFailed(
            _("Choose the sampling scheme: as described, fixed sample size or GB/T 2828.1."),
            code="invalid_sampling_scheme",
        )
    level = header.get("inspection_level") or InspectionLevel.II
    if level not in InspectionLevel.values:
        raise ValidationFailed(
            _("Choose inspection level I, II or III."), code="invalid_inspection_level"
        )
    values = {
        "sampling_scheme": scheme,
        "sample_size": None,
        "aql": None,
        "inspection_level": level,
    }
    if scheme == SamplingScheme.FIXED:
        values["sample_size"] = _sample_size(header.get("sample_size"))
    elif scheme == SamplingScheme.GBT2828:
        values["aql"] = _aql(header.get("aql"))
    return values


def _sample_size(raw) -> int:
    size = decimal_or_none(raw, field="sample_size", label=_("Sample size"))
    if size is None or size < 1 or size != size.to_integral_value():
        raise ValidationFailed(
            _("Enter the sample size as a whole number of at least 1, for example 3."),
            code="invalid_sample_size",
            fields={"sample_size": [str(_("Enter a whole number of at least 1."))]},
        )
    return int(size)


def _aql(raw) -> Decimal:
    aql = decimal_or_none(raw, field="aql", label=_("AQL"))
    if aql is None or aql_index(aql) is None:
        raise ValidationFailed(
            _(
                "AQL %(aql)s is not in the GB/T 2828.1 table: choose one of %(values)s, "
                "for example 1.0 or 2.5."
            )
            % {
                "aql": "" if aql is None else f"{aql.normalize():f}",
                "values": "、".join(f"{v.normalize():f}" for v in AQLS),
            },
            code="invalid_aql",
            fields={"aql": [str(_("Choose an AQL of the table."))]},
        )
    return aql


def _line(no: int, line: dict) -> dict:
    name = (line.get("name") or "").strip()
    if not name:
        raise ValidationFailed(
            _("Line %(no)s: enter the characteristic, for example 固含量.") % {"no": no},
            code="name_required",
        )
    kind = line.get("kind") or CharacteristicKind.NUMERIC
    if kind not in CharacteristicKind.values:
        raise ValidationFailed(
            _("Line %(no)s: choose numeric or pass/fail.") % {"no": no}, code="invalid_kind"
        )
    lower = decimal_or_none(line.get("lower_limit"), field="lower_limit", label=_("Lower limit"))
    upper = decimal_or_none(line.get("upper_limit"), field="upper_limit", label=_("Upper limit"))
    if kind == CharacteristicKind.PASS_FAIL and (lower is not None or upper is not None):
        raise ValidationFailed(
            _("Line %(no)s (%(name)s): a pass/fail characteristic has no limits; clear them.")
            % {"no": no, "name": name},
            code="limits_on_pass_fail",
        )
    if lower is not None and upper is not None and lower > upper:
        raise ValidationFailed(
            _(
                "Line %(no)s (%(name)s): the lower limit %(lower)s is above the upper limit "
                "%(upper)s. Swap them or correct one."
            )
            % {"no": no, "name": name, "lower": lower, "upper": upper},
            code="limits_reversed",
        )
    unit = (line.get("unit") or "").strip()[:20]
    if unit == "%" and any(v is not None and not 0 <= v <= 100 for v in (lower, upper)):
        raise ValidationFailed(
            _("Line %(no)s (%(name)s): a percentage limit must lie between 0 and 100.")
            % {"no": no, "name": name},
            code="percent_out_of_range",
        )
    attribute = (line.get("lot_attribute") or "").strip()[:60]
    if attribute and kind != CharacteristicKind.NUMERIC:
        raise ValidationFailed(
            _("Line %(no)s (%(name)s): only a numeric result can be written to a lot attribute.")
            % {"no": no, "name": name},
            code="attribute_on_pass_fail",
        )
    return {
        "hide_on_coa": bool(line.get("hide_on_coa")),
        "name": name[:60],
        "kind": kind,
        "unit": unit,
        "method": (line.get("method") or "").strip()[:100],
        "lower_limit": lower,
        "upper_limit": upper,
        "lot_attribute": attribute,
    }


def _lines_replace(plan: InspectionPlan, lines: list[dict]) -> None:
    if len(lines) > MAX_LINES:
        raise ValidationFailed(
            _("A plan has at most %(n)s characteristics.") % {"n": MAX_LINES}, code="too_many_lines"
        )
    rows = [_line(no, ln) for no, ln in enumerate(lines, start=1)]
    names = [r["name"] for r in rows]
    if len(names) != len(set(names)):
        raise ValidationFailed(
            _("Each characteristic may appear only once in a plan."), code="duplicate_line"
        )
    plan.lines.all().delete()
    InspectionCharacteristic.objects.bulk_create(
        [InspectionCharacteristic(document=plan, line_no=no, **r) for no, r in enumerate(rows, 1)]
    )


def _snap(plan: InspectionPlan) -> dict:
    data = snapshot(plan, HEADER_FIELDS)
    # Lines as a reader sees them (固含量 98~100 % GB/T 1725), not as field codes.
    data["lines"] = [_line_shown(x) for x in plan.lines.order_by("line_no")]
    return data


def _line_shown(x: InspectionCharacteristic) -> str:
    if x.kind == CharacteristicKind.PASS_FAIL:
        limits = str(_("Pass / fail"))
    else:
        low = "" if x.lower_limit is None else f"{x.lower_limit.normalize():f}"
        high = "" if x.upper_limit is None else f"{x.upper_limit.normalize():f}"
        limits = f"{low}~{high} {x.unit}".strip()
    return " ".join(p for p in (x.name, limits, x.method) if p)


def inspection_plan_create(*, actor, header: dict, lines: list[dict]) -> InspectionPlan:
    require_perm(actor, "quality.add_inspectionplan")
    with transaction.atomic():
        plan = InspectionPlan.objects.create(
            created_by=actor, state=PlanState.DRAFT, **_header(header)
        )
        _lines_replace(plan, lines)
        audit_record(actor=actor, action="create", obj=plan, changes=_snap(plan))
    return plan


def inspection_plan_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> InspectionPlan:
    """A PATCH leaves out what it does not change: the rest is the plan's current values."""
    require_perm(actor, "quality.change_inspectionplan")
    with transaction.atomic():
        plan = locked(InspectionPlan, doc_id)
        refuse_unless(plan, (PlanState.DRAFT,), PLAN_MACHINE)
        version_check(plan, expected_version)
        before = _snap(plan)
        current = {f: getattr(plan, f) for f in HEADER_FIELDS}
        values = _header({**current, "note": plan.note, **header})
        for field, value in values.items():
            setattr(plan, field, value)
        plan.version += 1
        plan.save()
        if lines is not None:
            _lines_replace(plan, lines)
        audit_record(actor=actor, action="update", obj=plan, changes=diff(before, _snap(plan)))
    return plan


def inspection_plan_activate(*, actor, doc_id, expected_version=None) -> InspectionPlan:
    """Activate a plan; the active plan of the same scope (material or category, inspection
    type) is retired in the same transaction, so there is one version in force."""
    with transaction.atomic():
        plan = locked(InspectionPlan, doc_id)
        if not plan.lines.exists():
            raise ValidationFailed(
                _("Add at least one characteristic before activating the plan."),
                code="no_lines",
            )
        plan = document_transition(
            actor=actor,
            doc=plan,
            machine=PLAN_MACHINE,
            name="activate",
            number_doc_type=DOC_TYPE,
            on_date=plan.date,
            expected_version=expected_version,
        )
        replaced = InspectionPlan.objects.filter(
            state=PlanState.ACTIVE,
            inspection_type=plan.inspection_type,
            material_id=plan.material_id,
            category_id=plan.category_id,
            customer_id=plan.customer_id,
        ).exclude(pk=plan.pk)
        for old in replaced.select_for_update():
            document_transition(actor=actor, doc=old, machine=PLAN_MACHINE, name="retire")
    return plan


def inspection_plan_retire(*, actor, doc_id, expected_version=None) -> InspectionPlan:
    with transaction.atomic():
        plan = locked(InspectionPlan, doc_id)
        return document_transition(
            actor=actor,
            doc=plan,
            machine=PLAN_MACHINE,
            name="retire",
            expected_version=expected_version,
        )


def plan_for(*, material, inspection_type: str, on_date: dt.date | None = None):
    """The active plan of the material for this inspection type, else the active plan of its
    category; None when neither exists."""
    on_date = on_date or timezone.localdate()
    if inspection_type == InspectionType.RETEST:
        # A re-inspection checks what was checked on arrival unless it has a plan of its own.
        for kind in (InspectionType.RETEST, InspectionType.INCOMING, InspectionType.FINAL):
            found = _plan_of(material, kind, on_date)
            if found is not None:
                return found
        return None
    return _plan_of(material, inspection_type, on_date)


def _plan_of(material, inspection_type: str, on_date: dt.date):
    active = InspectionPlan.objects.filter(
        state=PlanState.ACTIVE,
        inspection_type=inspection_type,
        date__lte=on_date,
        customer__isnull=True,  # a customer's specification is checked, not inspected to
    )
    own = active.filter(material_id=material.pk).order_by("-date", "-pk").first()
    if own is not None:
        return own
    return (
        active.filter(Q(material__isnull=True), category_id=material.category_id)
        .order_by("-date", "-pk")
        .first()
    )


def customer_spec_for(*, material, customer):
    """The customer's active specification of the material (any inspection type), or None."""
    return (
        InspectionPlan.objects.filter(
            state=PlanState.ACTIVE, customer=customer, material_id=material.pk
        )
        .order_by("-date", "-pk")
        .first()
    )
