"""Quality: inspection plans (检验方案), inspection lots (检验单) with their results and the
usage decision (使用决策), nonconformance reports (不合格品报告) with CAPA actions (纠正预防措施).

Quality, not the warehouse, decides a lot's status: the decision on an inspection lot is the
one place that calls inventory's `lot_status_change`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.models import Document, DocumentLine

LIMIT = {"max_digits": 20, "decimal_places": 6, "null": True, "blank": True}


class InspectionType(models.TextChoices):
    INCOMING = "incoming", _("Incoming inspection")
    IN_PROCESS = "in_process", _("In-process inspection")
    FINAL = "final", _("Final inspection")
    RETEST = "retest", _("Re-inspection")


class CharacteristicKind(models.TextChoices):
    NUMERIC = "numeric", _("Numeric with limits")
    PASS_FAIL = "pass_fail", _("Pass / fail")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class InspectionLotState(models.TextChoices):
    OPEN = "open", _("Waiting for results")
    SUBMITTED = "submitted", _("Waiting for decision")
    CONCESSION = "concession", _("Waiting for concession approval")
    RELEASED = "released", pgettext_lazy("inspection state", "Released")
    CONDITIONAL = "conditional", _("Conditionally released")
    REJECTED = "rejected", _("Nonconforming")


class NcrState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Disposition decided")
    CLOSED = "closed", pgettext_lazy("document state", "Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Disposition(models.TextChoices):
    RETURN = "return", _("Return to supplier")
    REWORK = "rework", _("Rework")
    SCRAP = "scrap", _("Scrap")
    USE_AS_IS = "use_as_is", _("Use as is (concession)")


class SamplingScheme(models.TextChoices):
    DESCRIBED = "", _("As described")
    FIXED = "fixed", _("Fixed sample size")
    GBT2828 = "gbt2828", _("GB/T 2828.1 with AQL")


class InspectionLevel(models.TextChoices):
    I = "I", _("General inspection level I")  # noqa: E741 - the standard's name
    II = "II", _("General inspection level II")
    III = "III", _("General inspection level III")


class Severity(models.TextChoices):
    NORMAL = "normal", _("Normal inspection")
    TIGHTENED = "tightened", _("Tightened inspection")
    REDUCED = "reduced", _("Reduced inspection")


class InspectionPlan(Document):
    """检验方案: what to check on a material (or every material of a category) at one
    inspection type. Activating a plan retires the plan it replaces (one active version)."""

    state = models.CharField(
        _("state"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT
    )
    date = models.DateField(_("valid from"))
    name = models.CharField(_("plan name"), max_length=100)
    inspection_type = models.CharField(
        _("inspection type"), max_length=20, choices=InspectionType.choices
    )
    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        "masterdata.MaterialCategory",
        verbose_name=_("material category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sampling = models.CharField(_("sampling"), max_length=200, blank=True)
    # How many items the inspector takes: as the text above says, a fixed number, or
    # GB/T 2828.1 single sampling at the plan's AQL (n, Ac, Re from the lot size).
    sampling_scheme = models.CharField(
        _("sampling scheme"),
        max_length=10,
        choices=SamplingScheme.choices,
        default=SamplingScheme.DESCRIBED,
        blank=True,
    )
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    aql = models.DecimalField(_("AQL"), max_digits=8, decimal_places=3, null=True, blank=True)
    inspection_level = models.CharField(
        _("inspection level"),
        max_length=3,
        choices=InspectionLevel.choices,
        default=InspectionLevel.II,
    )
    # 复检期: a released lot is due for re-inspection this many days after the decision;
    # the daily job then opens the re-inspection (and quarantines the lot if it blocks).
    retest_interval_days = models.PositiveIntegerField(
        _("retest interval (days)"), null=True, blank=True
    )
    retest_blocks_lot = models.BooleanField(_("retest blocks the lot"), default=True)
    # A plan with a customer is that customer's specification (客户质量标准): tighter limits
    # checked before a lot is picked for them, and the limits their COA shows.
    customer = models.ForeignKey(
        "masterdata.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(Document.Meta):
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        permissions = [
            ("activate_inspectionplan", _("Can activate inspection plan")),
            ("retire_inspectionplan", _("Can retire inspection plan")),
        ]
        constraints = [
            *Document.Meta.constraints,
            models.CheckConstraint(
                condition=Q(material__isnull=False) | Q(category__isnull=False),
                name="quality_plan_material_or_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.name}"

    @property
    def reference(self) -> str:
        return self.number or _("Draft %(id)s") % {"id": self.pk}

    @property
    def sampling_scheme_shown(self) -> str:
        if self.sampling_scheme == SamplingScheme.FIXED:
            return _("Fixed sample size %(n)s") % {"n": self.sample_size}
        if self.sampling_scheme == SamplingScheme.GBT2828:
            return _("GB/T 2828.1, AQL %(aql)s, level %(level)s") % {
                "aql": f"{self.aql.normalize():f}",
                "level": self.inspection_level,
            }
        return ""

    @property
    def scope_shown(self) -> str:
        return str(self.material) if self.material_id else f"{_('Category')}: {self.category}"


class InspectionCharacteristic(DocumentLine):
    """One thing measured or judged: numeric within limits, or pass/fail. `lot_attribute`
    names the lot attribute the measured value is written to on the decision (含量 %)."""

    document = models.ForeignKey(
        InspectionPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    name = models.CharField(_("characteristic"), max_length=60)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=CharacteristicKind.choices,
        default=CharacteristicKind.NUMERIC,
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    method = models.CharField(_("method"), max_length=100, blank=True)
    lower_limit = models.DecimalField(_("lower limit"), **LIMIT)
    upper_limit = models.DecimalField(_("upper limit"), **LIMIT)
    lot_attribute = models.CharField(_("lot attribute"), max_length=60, blank=True)
    hide_on_coa = models.BooleanField(_("hidden on COA"), default=False)

    class Meta(DocumentLine.Meta):
        verbose_name = _("inspection characteristic")
        verbose_name_plural = _("inspection characteristics")

    def __str__(self) -> str:
        return self.name


class InspectionLot(Document):
    """检验单: one inspection of one lot, created when stock comes into a quarantine lot."""

    state = models.CharField(
        _("state"),
        max_length=20,
        choices=InspectionLotState.choices,
        default=InspectionLotState.OPEN,
    )
    date = models.DateField(_("date"))
    inspection_type = models.CharField(
        _("inspection type"), max_length=20, choices=InspectionType.choices
    )
    lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("lot"),
        on_delete=models.PROTECT,
        related_name="inspection_lots",
    )
    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("inspection plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_lots",
    )
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    # The supplier of a purchase receipt: sampling severity switches per supplier × material.
    supplier = models.ForeignKey(
        "masterdata.Supplier",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    severity = models.CharField(
        _("inspection severity"), max_length=10, choices=Severity.choices, blank=True
    )
    code_letter = models.CharField(_("sample size code letter"), max_length=1, blank=True)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    acceptance_number = models.PositiveIntegerField(_("Ac"), null=True, blank=True)
    rejection_number = models.PositiveIntegerField(_("Re"), null=True, blank=True)
    source_type = models.CharField(_("source type"), max_length=60, blank=True)
    source_id = models.CharField(_("source"), max_length=60, blank=True)
    source_number = models.CharField(_("source number"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("results recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("decision reason"), max_length=300, blank=True)
    # 部分放行: the quantity the decision rejected into a child lot; the rest is released.
    rejected_quantity = models.DecimalField(
        _("rejected quantity"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    rejected_lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("rejected lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(Document.Meta):
        verbose_name = _("inspection lot")
        verbose_name_plural = _("inspection lots")
        permissions = [
            ("submit_inspectionlot", _("Can submit inspection results")),
            ("decide_inspectionlot", _("Can make the usage decision on an inspection lot")),
        ]

    def __str__(self) -> str:
        return self.number or str(self.pk)

    @property
    def reference(self) -> str:
        return self.number or str(self.pk)

    @property
    def partial_quantity_shown(self) -> str:
        return "" if self.rejected_quantity is None else f"{self.rejected_quantity.normalize():f}"

    @property
    def partial_shown(self) -> str:
        """ "拒收 40 kg 至批次 P-001-1" after a partial release; "" otherwise."""
        if self.rejected_quantity is None:
            return ""
        return _("%(quantity)s rejected into lot %(lot)s") % {
            "quantity": f"{self.rejected_quantity.normalize():f}",
            "lot": self.rejected_lot.number if self.rejected_lot_id else "",
        }

    @property
    def sampling_shown(self) -> str:
        """ "n = 80，Ac 2 / Re 3（J，正常检验）" as the inspector reads it; "" without sampling."""
        if self.sample_size is None:
            return ""
        if self.acceptance_number is None:
            return _("n = %(n)s") % {"n": self.sample_size}
        return _("n = %(n)s, Ac %(ac)s / Re %(re)s (%(letter)s, %(severity)s)") % {
            "n": self.sample_size,
            "ac": self.acceptance_number,
            "re": self.rejection_number,
            "letter": self.code_letter,
            "severity": self.get_severity_display(),
        }


class SamplingHistory(models.Model):
    """Where GB/T 2828.1 switching stands for one supplier's material: the severity now and
    the decisions since it began, oldest first ("A" accepted, "R" rejected)."""

    supplier = models.ForeignKey(
        "masterdata.Supplier",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    severity = models.CharField(
        _("inspection severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    history = models.CharField(_("decisions since the last switch"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sampling severity")
        verbose_name_plural = _("sampling severities")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "material"], name="quality_sampling_supplier_material"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.material} {self.get_severity_display()}"


class InspectionResult(DocumentLine):
    """The result of one characteristic; the characteristic is copied from the plan so a
    later plan version does not change what this lot was judged against."""

    document = models.ForeignKey(
        InspectionLot, on_delete=models.CASCADE, related_name="lines", verbose_name=_("inspection")
    )
    name = models.CharField(_("characteristic"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=CharacteristicKind.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    method = models.CharField(_("method"), max_length=100, blank=True)
    lower_limit = models.DecimalField(_("lower limit"), **LIMIT)
    upper_limit = models.DecimalField(_("upper limit"), **LIMIT)
    lot_attribute = models.CharField(_("lot attribute"), max_length=60, blank=True)
    value = models.DecimalField(_("measured value"), **LIMIT)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=200, blank=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")

    def __str__(self) -> str:
        return self.name


class NonconformanceReport(Document):
    """不合格品报告: what was wrong with a rejected lot and what is done with it."""

    state = models.CharField(
        _("state"), max_length=20, choices=NcrState.choices, default=NcrState.DRAFT
    )
    date = models.DateField(_("date"))
    inspection_lot = models.ForeignKey(
        InspectionLot,
        verbose_name=_("inspection lot"),
        on_delete=models.PROTECT,
        related_name="ncrs",
    )
    description = models.CharField(_("nonconformance"), max_length=300)
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices)
    root_cause = models.CharField(_("root cause"), max_length=300, blank=True)

    class Meta(Document.Meta):
        verbose_name = _("nonconformance report")
        verbose_name_plural = _("nonconformance reports")
        permissions = [
            ("confirm_nonconformancereport", _("Can confirm nonconformance report")),
            ("close_nonconformancereport", _("Can close nonconformance report")),
            ("cancel_nonconformancereport", _("Can cancel nonconformance report")),
        ]

    def __str__(self) -> str:
        return self.number or str(self.pk)

    @property
    def reference(self) -> str:
        return self.number or _("Draft %(id)s") % {"id": self.pk}


class CorrectiveAction(DocumentLine):
    """纠正预防措施 (CAPA): one action with its owner and due date."""

    document = models.ForeignKey(
        NonconformanceReport,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("nonconformance report"),
    )
    action = models.CharField(_("corrective action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)

    class Meta(DocumentLine.Meta):
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")

    def __str__(self) -> str:
        return self.action


class LotRetest(models.Model):
    """A lot's retest date (复检日期): set by a release under a plan with a retest interval,
    or by hand. The daily job opens the re-inspection once the date is reached; `blocks`
    puts the lot back into quarantine meanwhile. `scheduled_by` is whose decision set it:
    the job acts in their name (a system job has no user of its own)."""

    lot = models.OneToOneField(
        "inventory.Lot", verbose_name=_("lot"), on_delete=models.CASCADE, related_name="retest"
    )
    retest_on = models.DateField(_("retest date"))
    blocks = models.BooleanField(_("retest blocks the lot"), default=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("retest date")
        verbose_name_plural = _("retest dates")
        indexes = [models.Index(fields=["retest_on"], name="quality_retest_on")]

    def __str__(self) -> str:
        return f"{self.lot} {self.retest_on}"


class RetainSample(models.Model):
    """留样: a sample of a lot kept (quantity, where) until a date, then discarded."""

    lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("lot"),
        on_delete=models.PROTECT,
        related_name="retain_samples",
    )
    inspection_lot = models.ForeignKey(
        InspectionLot,
        verbose_name=_("inspection lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retain_samples",
    )
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=20)
    location = models.CharField(_("storage place"), max_length=100)
    keep_until = models.DateField(_("keep until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    discarded_at = models.DateTimeField(_("discarded at"), null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("discarded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("retain sample")
        verbose_name_plural = _("retain samples")
        indexes = [models.Index(fields=["keep_until"], name="quality_retain_keep_until")]

    def __str__(self) -> str:
        return f"{self.lot} {self.quantity.normalize():f}{self.unit}"
