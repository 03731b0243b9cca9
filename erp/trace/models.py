"""Recall cases (召回单) and mock-recall drills (模拟召回): one document type, two kinds.

A case starts from a lot; its lines are every lot it affects (found by the genealogy when the
case is opened), with the status each lot had before the hold so that "release" restores it.
The customers reached are read live from the ledger (deliveries of the affected lots)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.models import Document, DocumentLine
from erp.inventory.states import LotStatus

QTY = {"max_digits": 18, "decimal_places": 4}


class RecallState(models.TextChoices):
    OPEN = "open", pgettext_lazy("recall", "Open")
    HELD = "held", pgettext_lazy("recall", "Stock on hold")
    RELEASED = "released", pgettext_lazy("recall", "Hold released")
    CLOSED = "closed", pgettext_lazy("recall", "Closed")


class RecallKind(models.TextChoices):
    RECALL = "recall", _("Recall")
    DRILL = "drill", _("Mock recall")


class RecallLevel(models.IntegerChoices):
    """Levels of the food recall rules (食品召回管理办法): hours to start, days to finish."""

    ONE = 1, _("Level 1 (start within 24 h)")
    TWO = 2, _("Level 2 (start within 48 h)")
    THREE = 3, _("Level 3 (start within 72 h)")


START_HOURS = {1: 24, 2: 48, 3: 72}
FINISH_DAYS = {1: 10, 2: 20, 3: 30}
DRILL_TARGET_HOURS = 4  # what BRC auditors expect of a mock recall


class RecallScope(models.TextChoices):
    DOWNSTREAM = "downstream", _("This lot and everything made from it")
    RELATED = "related", _("Everything sharing an origin with this lot")


class RecallCase(Document):
    state = models.CharField(
        _("state"), max_length=20, choices=RecallState.choices, default=RecallState.OPEN
    )
    date = models.DateField(_("date"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=RecallKind.choices, default=RecallKind.RECALL
    )
    level = models.PositiveSmallIntegerField(
        _("recall level"), choices=RecallLevel.choices, default=RecallLevel.TWO
    )
    scope = models.CharField(
        _("scope"), max_length=12, choices=RecallScope.choices, default=RecallScope.DOWNSTREAM
    )
    # Opened from a lot (or a supplier lot found by search), or from a material and a window
    # of receipt/production dates: every lot of it received or made in the window.
    lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("lot"),
        on_delete=models.PROTECT,
        related_name="recall_cases",
        null=True,
        blank=True,
    )
    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    window_from = models.DateField(_("received or made from"), null=True, blank=True)
    window_to = models.DateField(_("received or made to"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    started_at = models.DateTimeField(_("started at"))
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    identified_at = models.DateTimeField(_("identified at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("recall", "closed at"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta(Document.Meta):
        verbose_name = _("recall case")
        verbose_name_plural = _("recall cases")
        ordering = ["-started_at", "-pk"]
        permissions = [
            ("hold_recallcase", _("Can hold every lot of a recall")),
            ("release_recallcase", _("Can release the hold of a recall")),
            ("close_recallcase", _("Can close a recall case")),
            ("view_lottrace", _("Can view lot traces")),
            ("notify_recallcase", _("Can record customer notices of a recall")),
        ]
        indexes = [models.Index(fields=["lot"], name="recall_lot")]


class RecallLot(DocumentLine):
    """An affected lot: its on-hand and shipped quantities when the case was opened, and its
    status before the hold (restored on release)."""

    document = models.ForeignKey(RecallCase, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(
        "inventory.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="+"
    )
    on_hand = models.DecimalField(_("on hand"), default=0, **QTY)
    shipped = models.DecimalField(_("shipped"), default=0, **QTY)
    status_before = models.CharField(
        _("status before hold"), max_length=12, choices=LotStatus.choices, blank=True
    )
    held = models.BooleanField(_("held by this case"), default=False)

    class Meta(DocumentLine.Meta):
        verbose_name = _("affected lot")
        verbose_name_plural = _("affected lots")
        constraints = [
            models.UniqueConstraint(fields=["document", "lot"], name="recall_lot_unique"),
        ]


class NoticeChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")


class RecallNotice(models.Model):
    """通知记录: a customer told of the recall — when, how, whom, by whom, what was agreed."""

    case = models.ForeignKey(RecallCase, on_delete=models.CASCADE, related_name="notices")
    customer = models.ForeignKey(
        "masterdata.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("notified at"))
    channel = models.CharField(_("channel"), max_length=10, choices=NoticeChannel.choices)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notified by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recall notice")
        verbose_name_plural = _("recall notices")
        ordering = ["case_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.customer_id} {self.at:%Y-%m-%d %H:%M}"
