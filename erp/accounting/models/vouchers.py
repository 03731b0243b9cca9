from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.core.models import Document


class VoucherWord(models.TextChoices):
    JI = "记", _("记 (general)")
    SHOU = "收", _("收 (receipt)")
    FU = "付", _("付 (payment)")
    ZHUAN = "转", _("转 (transfer)")


class Voucher(Document):
    """A journal voucher (记账凭证). `number` ("记-0001") and `seq` are assigned by the posting
    gate, per period and word, gap-free. Posted vouchers are frozen by database triggers."""

    # Numbers read "2026-09 转-0001": the global search also finds 转-0001 (erp/core/menu.py).
    NUMBER_HAS_PERIOD = True

    word = models.CharField(
        _("voucher word"), max_length=2, choices=VoucherWord.choices, default=VoucherWord.JI
    )
    seq = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    date = models.DateField(_("date"))
    period = models.ForeignKey(
        "accounting.Period", verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    attachments = models.PositiveSmallIntegerField(_("attachments"), default=0)
    total = models.DecimalField(_("total"), max_digits=18, decimal_places=2, default=0)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A draft edited by someone other than its creator records that editor: the reviewer must
    # differ from both (separation of duties, services/vouchers.py).
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    reversal_of = models.OneToOneField(
        "self",
        verbose_name=_("reversal of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    # Link back to the source document ("inventory.otherreceipt", "12"); blank for manual ones.
    source_type = models.CharField(_("source type"), max_length=60, blank=True, db_index=True)
    source_id = models.CharField(_("source id"), max_length=40, blank=True)
    source_number = models.CharField(_("source number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-date", "-pk"]
        permissions = [
            ("review_voucher", "Can review voucher"),
            ("post_voucher", "Can post voucher"),
            ("reverse_voucher", "Can reverse voucher"),
            ("close_period", "Can close accounting period"),
            ("reopen_period", "Can reopen accounting period"),
        ]
        constraints = [
            *Document.Meta.constraints,  # the number ("2026-03 记-0001") is unique
            models.UniqueConstraint(
                fields=["period", "word", "seq"],
                condition=models.Q(seq__isnull=False),
                name="accounting_voucher_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft voucher %(id)s") % {"id": self.pk})


class VoucherLine(models.Model):
    voucher = models.ForeignKey(Voucher, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    summary = models.CharField(_("summary"), max_length=200)
    account = models.ForeignKey(
        "accounting.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    debit = models.DecimalField(_("debit"), max_digits=18, decimal_places=2, default=0)
    credit = models.DecimalField(_("credit"), max_digits=18, decimal_places=2, default=0)
    customer = models.ForeignKey(
        "masterdata.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supplier = models.ForeignKey(
        "masterdata.Supplier",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        "iam.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_line = models.CharField(_("source line"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("voucher line")
        verbose_name_plural = _("voucher lines")
        ordering = ["voucher", "line_no"]
        indexes = [models.Index(fields=["account", "voucher"], name="acc_line_account_idx")]

    def __str__(self) -> str:
        return f"{self.voucher_id}#{self.line_no}"


class VoucherSequence(models.Model):
    """Last voucher number per period and word; locked by the gate after the period row."""

    period = models.ForeignKey("accounting.Period", on_delete=models.PROTECT, related_name="+")
    word = models.CharField(max_length=2, choices=VoucherWord.choices)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("voucher sequence")
        verbose_name_plural = _("voucher sequences")
        constraints = [
            models.UniqueConstraint(fields=["period", "word"], name="accounting_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.word} {self.last_value}"
