"""MRP (物料需求计划): planning parameters per material, runs, and what a run proposes.

A run's results (planned orders, their pegging, the time-phased entries and the exceptions)
are written once by the run and never edited, except a planned order's firming, which records
the document it became. Results are kept per run so two runs can be compared.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.mrp.states import PlannedState, RunState

QTY = {"max_digits": 18, "decimal_places": 4}
ZERO = Decimal(0)


def _material() -> models.ForeignKey:
    """The material a forecast or a run's result row is about (no reverse accessor)."""
    return models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )


def _run(related_name: str) -> models.ForeignKey:
    """The run a result row belongs to: it goes with its run."""
    return models.ForeignKey(
        "mrp.MrpRun",
        verbose_name=_("MRP run"),
        on_delete=models.CASCADE,
        related_name=related_name,
    )


class PlanningParameter(models.Model):
    """How MRP sizes and times a material's planned orders. Without a row the material's own
    fields (lead time, safety stock, minimum order quantity, order multiple) apply."""

    material = models.OneToOneField(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="planning_parameter",
    )
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=0)
    qc_release_days = models.PositiveIntegerField(_("QC release time (days)"), default=0)
    # A lot in quarantine counts as supply from plan date + QC release time (else never).
    quarantine_counts = models.BooleanField(_("count quarantine stock"), default=False)
    safety_stock = models.DecimalField(_("safety stock"), default=0, **QTY)
    min_lot = models.DecimalField(_("minimum lot"), default=0, **QTY)
    max_lot = models.DecimalField(_("maximum lot"), default=0, **QTY)
    lot_multiple = models.DecimalField(_("lot multiple"), default=0, **QTY)
    fixed_lot = models.DecimalField(_("fixed lot"), default=0, **QTY)
    yield_pct = models.DecimalField(
        _("expected yield %"), max_digits=7, decimal_places=3, default=Decimal(100)
    )
    planner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("planning parameter")
        verbose_name_plural = _("planning parameters")
        ordering = ["material__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(safety_stock__gte=0)
                & Q(min_lot__gte=0)
                & Q(max_lot__gte=0)
                & Q(lot_multiple__gte=0)
                & Q(fixed_lot__gte=0)
                & Q(yield_pct__gt=0)
                & Q(yield_pct__lte=100),
                name="mrp_parameter_valid",
            )
        ]

    def __str__(self) -> str:
        return self.material.code


ACTIVE_STATES = (RunState.QUEUED, RunState.RUNNING)


class Forecast(models.Model):
    """销售预测: expected demand of a material in a week or month. Customer orders due in the
    same period consume it: MRP plans only the forecast not yet covered by orders."""

    class Period(models.TextChoices):
        WEEK = "week", _("Week")
        MONTH = "month", _("Month")

    material = _material()
    period = models.CharField(
        pgettext_lazy("forecast", "period"), max_length=6, choices=Period.choices
    )
    period_start = models.DateField(_("period start"))
    quantity = models.DecimalField(_("quantity"), **QTY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        ordering = ["material_id", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "period_start"], name="mrp_forecast_material_period"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="mrp_forecast_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.material.code} {self.period_start}"


class MrpRun(models.Model):
    """One MRP run. `active` is True while queued or running and NULL afterwards: a partial
    unique index on it lets the database itself refuse a second run at the same time.

    A net-change run (`mode`) starts from `based_on`, the latest finished run of the same plan
    date: it nets again only the materials whose facts changed and copies the rest of that
    run's results, renumbered, so its results are as complete as a full run's."""

    class Mode(models.TextChoices):
        FULL = "full", _("Full (regenerative)")
        NET_CHANGE = "net_change", _("Net change")

    number = models.CharField(_("run number"), max_length=30, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=RunState.choices, default=RunState.QUEUED
    )
    active = models.BooleanField(null=True, default=True, editable=False)
    plan_date = models.DateField(_("plan date"))
    horizon_days = models.PositiveIntegerField(_("horizon (days)"), default=120)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    message = models.CharField(_("message"), max_length=2000, blank=True)
    digest = models.CharField(_("result fingerprint"), max_length=64, blank=True)
    demand_count = models.PositiveIntegerField(_("demand lines"), default=0)
    planned_count = models.PositiveIntegerField(_("planned orders"), default=0)
    exception_count = models.PositiveIntegerField(_("exceptions"), default=0)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.FULL)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recomputed_count = models.PositiveIntegerField(_("materials recomputed"), default=0)

    class Meta:
        verbose_name = _("MRP run")
        verbose_name_plural = _("MRP runs")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="mrp_one_active_run"
            )
        ]
        permissions = [("start_mrprun", _("Can start MRP run"))]

    def __str__(self) -> str:
        return self.number or f"MRP-{self.pk}"

    @property
    def reference(self) -> str:
        return str(self)


class RunMaterial(models.Model):
    """A material in a run: the fingerprint of the facts it was netted from and of its result,
    and where its planned orders sit in the run's sequence (`seq_from`, `planned_count`). The
    next net-change run compares fingerprints with these to keep or recompute the material."""

    run = _run("materials")
    material = _material()
    low_level_code = models.PositiveSmallIntegerField(_("low-level code"), default=0)
    seq_from = models.PositiveIntegerField(_("first sequence"))
    planned_count = models.PositiveIntegerField(_("planned orders"), default=0)
    exception_count = models.PositiveIntegerField(_("exceptions"), default=0)
    facts_digest = models.CharField(_("facts fingerprint"), max_length=64)
    result_digest = models.CharField(_("result fingerprint"), max_length=64)
    recomputed = models.BooleanField(_("recomputed"), default=True)

    class Meta:
        verbose_name = _("material of an MRP run")
        verbose_name_plural = _("materials of MRP runs")
        ordering = ["run_id", "seq_from", "material_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "material"], name="mrp_runmaterial_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.material_id}"


class PlannedKind(models.TextChoices):
    BUY = "buy", _("Planned purchase")
    MAKE = "make", _("Planned production")


class PlannedOrder(models.Model):
    """A proposal of a run: buy or make `quantity` of a material, start on `start_date`, due
    (released and usable) on `due_date`. Firming turns it into a requisition line or a
    production order and records which."""

    run = _run("planned_orders")
    seq = models.PositiveIntegerField(_("sequence"))
    material = _material()
    kind = models.CharField(_("kind"), max_length=8, choices=PlannedKind.choices)
    low_level_code = models.PositiveSmallIntegerField(_("low-level code"), default=0)
    quantity = models.DecimalField(_("quantity"), **QTY)
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(pgettext_lazy("mrp", "due date"))
    late = models.BooleanField(_("late"), default=False)
    explanation = models.CharField(_("explanation"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=PlannedState.choices, default=PlannedState.PROPOSED
    )
    firmed_type = models.CharField(_("firmed as"), max_length=60, blank=True)
    firmed_id = models.PositiveBigIntegerField(null=True, blank=True)
    firmed_number = models.CharField(_("document"), max_length=60, blank=True)
    firmed_at = models.DateTimeField(_("firmed at"), null=True, blank=True)
    firmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("firmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("planned order")
        verbose_name_plural = _("planned orders")
        ordering = ["run_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["run", "seq"], name="mrp_planned_run_seq"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="mrp_planned_qty"),
        ]
        indexes = [
            models.Index(fields=["run", "material", "due_date"], name="mrp_planned_material"),
            models.Index(fields=["run", "state", "kind"], name="mrp_planned_state"),
        ]
        permissions = [("firm_plannedorder", _("Can firm planned orders"))]

    def __str__(self) -> str:
        return f"{self.run}/{self.seq}"  # the run by its number


class Pegging(models.Model):
    """Which demand a planned order covers, and how much of it (单据追溯 of the proposal)."""

    planned_order = models.ForeignKey(
        PlannedOrder, verbose_name=_("planned order"), on_delete=models.CASCADE, related_name="pegs"
    )
    demand_kind = models.CharField(_("demand"), max_length=20)
    source_type = models.CharField(_("source type"), max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_number = models.CharField(_("source"), max_length=60, blank=True)
    need_date = models.DateField(_("need date"))
    quantity = models.DecimalField(_("quantity"), **QTY)
    # A dependent demand names the planned order of the parent it was exploded from.
    parent_seq = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("pegging")
        verbose_name_plural = _("pegging")
        ordering = ["planned_order_id", "need_date", "pk"]

    def __str__(self) -> str:
        return f"{self.planned_order_id} ← {self.source_number or self.demand_kind}"


class EntryKind(models.TextChoices):
    DEMAND_SALES = "sales", _("Sales order")
    DEMAND_DEPENDENT = "dependent", _("Dependent demand")
    DEMAND_SAFETY = "safety", _("Safety stock")
    DEMAND_FORECAST = "forecast", _("Forecast")
    STOCK = "stock", _("Usable stock")
    EXPIRING = "expiring", _("Stock expiring")
    RECEIPT_PO = "po", _("Open purchase order")
    RECEIPT_PR = "pr", _("Open requisition")
    RECEIPT_MO = "mo", _("Open production order")
    PLANNED = "planned", _("Planned order")


DEMAND_KINDS = (
    EntryKind.DEMAND_SALES,
    EntryKind.DEMAND_DEPENDENT,
    EntryKind.DEMAND_SAFETY,
    EntryKind.DEMAND_FORECAST,
)


class PlanEntry(models.Model):
    """The time-phased picture a run worked from: every demand and supply it counted (stock
    at the plan date), and its planned orders, per material and date."""

    run = _run("entries")
    material = _material()
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    date = models.DateField(_("date"))
    quantity = models.DecimalField(_("quantity"), **QTY)
    source_type = models.CharField(_("source type"), max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_number = models.CharField(_("source"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")
        ordering = ["run_id", "material_id", "date", "pk"]
        indexes = [models.Index(fields=["run", "material", "date"], name="mrp_entry_material")]

    def __str__(self) -> str:
        return f"{self.kind} {self.material_id} {self.date}"


class ExceptionKind(models.TextChoices):
    LATE = "late", _("Start date in the past")
    RAISED_TO_MIN = "raised_to_min", _("Raised to the minimum lot")
    STOCK_SKIPPED = "stock_skipped", _("Stock not usable")
    ADVANCE = "advance", _("Advance an open order")
    POSTPONE = "postpone", _("Postpone an open order")
    REDUCE = "reduce", _("Reduce or cancel an open order")
    NO_FORMULA = "no_formula", _("No released formula")


class SkipReason(models.TextChoices):
    QUARANTINE = "quarantine", _("in quarantine")
    REJECTED = "rejected", _("rejected")
    BLOCKED = "blocked", _("on hold")
    EXPIRED = "expired", _("expired on the need date")
    SHORT_LIFE = "short_life", _("too little shelf life left for the customer")
    RESERVED = "reserved", _("reserved")


class PlanException(models.Model):
    """An exception message of a run: what the planner should look at, and why."""

    run = _run("exceptions")
    material = _material()
    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=SkipReason.choices, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), null=True, blank=True, **QTY)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    source_type = models.CharField(_("source type"), max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    planned_seq = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("MRP exception")
        verbose_name_plural = _("MRP exceptions")
        ordering = ["run_id", "material_id", "kind", "pk"]
        indexes = [models.Index(fields=["run", "kind"], name="mrp_exception_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.material_id}"
