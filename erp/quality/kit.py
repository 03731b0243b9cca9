"""Document-kit declarations of quality: inspection plan (检验方案), inspection lot (检验单,
its print is the certificate of analysis), nonconformance report (不合格品报告) with its CAPA
actions. Business rules stay in erp.quality.services; the inspector's results page is the
inspection lot's own (views.results_entry)."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, Field

from erp.core.access import has_perm
from erp.core.doc_kit.declaration import DocumentKit
from erp.core.doc_kit.schemas import patch_schema
from erp.core.listing import Column
from erp.quality import forms, views
from erp.quality.models import (
    CorrectiveAction,
    InspectionCharacteristic,
    InspectionLot,
    InspectionLotState,
    InspectionPlan,
    InspectionResult,
    NonconformanceReport,
)
from erp.quality.selectors import limits_shown
from erp.quality.services import inspections, ncrs, plans
from erp.quality.services.inspections import judge
from erp.quality.services.plans import customer_spec_for
from erp.quality.states import INSPECTION_MACHINE, NCR_MACHINE, PLAN_MACHINE

LIMIT = {"max_digits": 20, "decimal_places": 6}

# --- REST schemas ----------------------------------------------------------------------------


class CharacteristicIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=60)
    kind: str = "numeric"
    unit: str = Field(default="", max_length=20)
    method: str = Field(default="", max_length=100)
    lower_limit: Decimal | None = Field(default=None, **LIMIT)
    upper_limit: Decimal | None = Field(default=None, **LIMIT)
    lot_attribute: str = Field(default="", max_length=60)
    hide_on_coa: bool = False


class PlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=100)
    inspection_type: str
    material_id: int | None = None
    category_id: int | None = None
    date: dt.date | None = None
    sampling: str = Field(default="", max_length=200)
    sampling_scheme: str = Field(default="", max_length=10)
    sample_size: int | None = None
    aql: Decimal | None = Field(default=None, max_digits=8, decimal_places=3)
    inspection_level: str = Field(default="II", max_length=3)
    retest_interval_days: int | None = None
    retest_blocks_lot: bool = True
    customer_id: int | None = None
    note: str = ""
    lines: list[CharacteristicIn] = []


PlanPatch = patch_schema(PlanIn)


class CharacteristicOut(Schema):
    line_no: int
    name: str
    kind: str
    unit: str
    method: str
    lower_limit: Decimal | None
    upper_limit: Decimal | None
    lot_attribute: str


class PlanOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    name: str
    inspection_type: str
    material_id: int | None
    category_id: int | None
    customer_id: int | None
    sampling: str
    sampling_scheme: str
    sample_size: int | None
    aql: Decimal | None
    inspection_level: str
    retest_interval_days: int | None
    retest_blocks_lot: bool
    note: str
    lines: list[CharacteristicOut]


class ResultOut(CharacteristicOut):
    value: Decimal | None
    passed: bool | None
    comment: str


class InspectionOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    inspection_type: str
    lot_id: int
    material_id: int
    plan_id: int | None
    quantity: Decimal
    supplier_id: int | None
    severity: str
    code_letter: str
    sample_size: int | None
    acceptance_number: int | None
    rejection_number: int | None
    source_type: str
    source_number: str
    recorded_by_id: int | None
    decided_by_id: int | None
    decision_reason: str
    rejected_quantity: Decimal | None
    rejected_lot_id: int | None
    note: str
    lines: list[ResultOut]


class SignedIn(Schema):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(default="", max_length=128)
    reason: str = Field(default="", max_length=300)
    # 部分放行: this quantity is rejected into a child lot, the rest released.
    rejected_quantity: Decimal | None = Field(default=None, max_digits=18, decimal_places=4)


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=300)


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(max_length=200)
    owner_id: int
    due_date: dt.date
    done: bool = False


class NcrIn(Schema):
    model_config = ConfigDict(extra="forbid")

    inspection_lot_id: int
    date: dt.date | None = None
    description: str = Field(max_length=300)
    disposition: str
    root_cause: str = Field(default="", max_length=300)
    note: str = ""
    lines: list[ActionIn] = []


NcrPatch = patch_schema(NcrIn, exclude=("inspection_lot_id",))


class ActionOut(Schema):
    line_no: int
    action: str
    owner_id: int
    due_date: dt.date
    done: bool


class NcrOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    inspection_lot_id: int
    description: str
    disposition: str
    root_cause: str
    note: str
    lines: list[ActionOut]


# --- pages ------------------------------------------------------------------------------------


def _results_annotate(doc, lines) -> None:
    for r in lines:
        if r.kind == "pass_fail":
            r.value_shown = {True: _("Pass"), False: _("Fail"), None: ""}[r.passed]
        else:
            r.value_shown = "" if r.value is None else f"{r.value.normalize():f}"
        r.verdict = {True: _("Pass"), False: _("Fail"), None: ""}[r.passed]
        r.limits = limits_shown(r)


def _characteristics_annotate(doc, lines) -> None:
    for c in lines:
        c.limits = limits_shown(c)


def _inspection_extra(request, doc, lines) -> dict:
    user = request.user
    return {
        "lot_attributes": list(doc.lot.attributes.all()),
        "ncrs": list(doc.ncrs.order_by("pk")),
        "can_record": doc.state == InspectionLotState.OPEN
        and has_perm(user, "quality.change_inspectionlot"),
        "can_raise_ncr": doc.state in ncrs.NCR_SOURCES
        and has_perm(user, "quality.add_nonconformancereport"),
    }


def _coa_extra(request, doc) -> dict:
    """The COA; ?customer=<id> prints it for that customer: their spec's limits and verdicts,
    without the characteristics their spec hides."""
    extra = {"title": _("Certificate of analysis"), "signatures": (_("Approved by"),)}
    customer = _customer(request.GET.get("customer", ""))
    spec = customer and customer_spec_for(material=doc.material, customer=customer)
    if not spec:
        return extra
    theirs = {c.name: c for c in spec.lines.all()}
    lines = []
    for ln in doc.lines.all():
        c = theirs.get(ln.name)
        if c is not None and c.hide_on_coa:
            continue
        _results_annotate(doc, [ln])
        if c is not None:
            ln.limits = limits_shown(c)
            passed = judge(c, ln.value) if c.kind == "numeric" else ln.passed
            ln.verdict = {True: _("Pass"), False: _("Fail"), None: ""}[passed]
        lines.append(ln)
    columns = INSPECTION.line_columns
    rows = [(ln, [(col, col.cell(ln)) for col in columns]) for ln in lines]
    return {**extra, "line_rows": rows, "lines": lines, "coa_customer": customer}


def _customer(raw: str):
    from erp.masterdata.models import Customer

    return Customer.objects.filter(pk=int(raw)).first() if raw.isdigit() else None


# --- service adapters ---------------------------------------------------------------------


def _plan_update(*, actor, doc_id, header, lines=None, expected_version=None):
    return plans.inspection_plan_update(
        actor=actor, doc_id=doc_id, header=header, lines=lines, expected_version=expected_version
    )


PLAN = DocumentKit(
    app="quality",
    model=InspectionPlan,
    line_model=InspectionCharacteristic,
    machine=PLAN_MACHINE,
    number_doc_type=plans.DOC_TYPE,
    slug="inspection-plans",
    title=_("Inspection plans"),
    section=_("Quality"),
    create=plans.inspection_plan_create,
    update=_plan_update,
    transitions={
        "activate": plans.inspection_plan_activate,
        "retire": plans.inspection_plan_retire,
    },
    header_form=forms.PlanHeaderForm,
    line_form=forms.CharacteristicForm,
    form_title=_("Plan"),
    form_wide_fields=("name", "sampling", "note"),
    list_columns=(
        Column("name", _("Plan name"), sort="name"),
        Column("inspection_type", _("Inspection type"), sort="inspection_type"),
        Column("scope_shown", _("Material / category")),
    ),
    list_filter=forms.PLAN_FILTER,
    search_fields=("number", "name", "material__code", "material__name"),
    search_placeholder=_("Number, plan or material"),
    select_related=("material", "category", "customer"),
    header_columns=(
        Column("name", _("Plan name")),
        Column("inspection_type", _("Inspection type")),
        Column("scope_shown", _("Material / category")),
        Column("customer", _("Customer")),
        Column("date", _("Valid from"), kind="date"),
        Column("sampling", _("Sampling")),
        Column("sampling_scheme_shown", _("Sampling scheme")),
        Column("retest_interval_days", _("Retest interval (days)")),
    ),
    line_columns=(
        Column("name", _("Characteristic")),
        Column("kind", _("Kind")),
        Column("method", _("Method")),
        Column("unit", _("Unit")),
        Column("limits", _("Limits")),
        Column("lot_attribute", _("Lot attribute")),
        Column("hide_on_coa", _("Hidden on COA"), kind="bool"),
    ),
    line_annotate=_characteristics_annotate,
    print_signatures=(_("Approved by"),),
    api_in=PlanIn,
    api_patch=PlanPatch,
    api_out=PlanOut,
    api_filters=("state", "inspection_type", "material_id"),
    sample_header=lambda: {
        "name": "样例方案",
        "inspection_type": "incoming",
        "category_id": _first_category(),
    },
)


def _first_category():
    from erp.masterdata.models import MaterialCategory

    return MaterialCategory.objects.order_by("pk").values_list("pk", flat=True).first()


INSPECTION = DocumentKit(
    app="quality",
    model=InspectionLot,
    line_model=InspectionResult,
    machine=INSPECTION_MACHINE,
    number_doc_type=inspections.DOC_TYPE,
    slug="inspection-lots",
    title=_("Inspection lots"),
    section=_("Quality"),
    create=None,  # created by the stock gate's listener, never by hand
    update=None,
    own_pages={"edit": views.results_entry},
    edit_states=(),  # results are entered on the results page (its own button)
    transitions={
        "submit": inspections.inspection_lot_submit,
        "release": inspections.inspection_lot_release,
        "conditional": inspections.inspection_lot_conditional,
        "reject": inspections.inspection_lot_reject,
    },
    transition_forms={
        "release": forms.ReleaseForm,
        "conditional": forms.ConditionalForm,
        "reject": forms.ReasonForm,
    },
    transition_in={"release": SignedIn, "conditional": SignedIn, "reject": ReasonIn},
    list_columns=(
        Column("inspection_type", _("Inspection type"), sort="inspection_type"),
        Column("material", _("Material"), sort="material__code"),
        Column("lot.number", _("Lot"), sort="lot__number"),
        Column("quantity", _("Quantity"), kind="qty", sort="quantity"),
        Column("source_number", _("Source")),
    ),
    list_filter=forms.INSPECTION_FILTER,
    search_fields=("number", "lot__number", "material__code", "material__name"),
    search_placeholder=_("Number, lot or material"),
    select_related=("material", "lot", "plan", "supplier", "recorded_by", "decided_by"),
    header_columns=(
        Column("inspection_type", _("Inspection type")),
        Column("material", _("Material")),
        Column("lot.number", _("Lot")),
        Column("quantity", _("Quantity"), kind="qty"),
        Column("plan", _("Inspection plan")),
        Column("sampling_shown", _("Sampling")),
        Column("partial_shown", _("Partial release")),
        Column("supplier", _("Supplier")),
        Column("source_number", _("Source")),
    ),
    line_columns=(
        Column("name", _("Characteristic")),
        Column("method", _("Method")),
        Column("unit", _("Unit")),
        Column("limits", _("Limits")),
        Column("value_shown", _("Result")),
        Column("verdict", _("Verdict")),
        Column("comment", _("Comment")),
    ),
    line_annotate=_results_annotate,
    detail_buttons="quality/_inspection_buttons.html",
    detail_sections=("quality/_inspection_extra.html",),
    detail_extra=_inspection_extra,
    print_template="quality/print/coa.html",
    print_extra=_coa_extra,
    print_filename=_("Certificate of analysis"),
    api_out=InspectionOut,
    api_filters=("state", "inspection_type", "material_id", "lot_id"),
)


NCR = DocumentKit(
    app="quality",
    model=NonconformanceReport,
    line_model=CorrectiveAction,
    machine=NCR_MACHINE,
    number_doc_type=ncrs.DOC_TYPE,
    slug="ncrs",
    title=_("Nonconformance reports"),
    section=_("Quality"),
    create=ncrs.ncr_create,
    update=ncrs.ncr_update,
    transitions={"confirm": ncrs.ncr_confirm, "close": ncrs.ncr_close, "cancel": ncrs.ncr_cancel},
    header_form=forms.NcrHeaderForm,
    line_form=forms.ActionForm,
    form_title=_("Nonconformance"),
    form_wide_fields=("description", "root_cause", "note"),
    edit_states=ncrs.EDITABLE,
    list_columns=(
        Column("inspection_lot.number", _("Inspection lot"), sort="inspection_lot__number"),
        Column("inspection_lot.material", _("Material")),
        Column("description", _("Nonconformance")),
        Column("disposition", _("Disposition"), sort="disposition"),
    ),
    list_filter=forms.NCR_FILTER,
    search_fields=("number", "description", "inspection_lot__number"),
    search_placeholder=_("Number or nonconformance"),
    select_related=("inspection_lot", "inspection_lot__material", "inspection_lot__lot"),
    header_columns=(
        Column("inspection_lot.number", _("Inspection lot")),
        Column("inspection_lot.material", _("Material")),
        Column("inspection_lot.lot.number", _("Lot")),
        Column("description", _("Nonconformance")),
        Column("disposition", _("Disposition")),
        Column("root_cause", _("Root cause")),
    ),
    line_columns=(
        Column("action", _("Corrective action")),
        Column("owner", _("Owner")),
        Column("due_date", _("Due date"), kind="date"),
        Column("done", _("Done"), kind="bool"),
    ),
    line_select_related=("owner",),
    print_signatures=(_("Quality manager"),),
    api_in=NcrIn,
    api_patch=NcrPatch,
    api_out=NcrOut,
    api_filters=("state", "disposition"),
)

# Inspection lots are created by the stock gate only: their list offers no "new" button.
INSPECTION.list_config = replace(
    INSPECTION.list_config, create_url_name=None, create_permission=None
)

DOCUMENTS = [PLAN, INSPECTION, NCR]
