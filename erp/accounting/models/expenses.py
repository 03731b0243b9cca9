"""Expense claims (费用报销): an employee's claim with lines per expense category, approved
through the approvals engine, posted (Dr expense + 进项税额, Cr 其他应付款 by employee) and paid
(Dr 其他应付款, Cr the chosen cash/bank account). States and transitions:
erp/accounting/services/expenses.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.models import Document, DocumentLine

AMOUNT = {"max_digits": 18, "decimal_places": 2}


class ExpenseClaimState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", pgettext_lazy("document state", "Approved")
    POSTED = "posted", _("Posted")
    PAID = "paid", _("Paid")


class InvoiceType(models.TextChoices):
    """What the employee brings for a line: only a 增值税专用发票 carries deductible input VAT."""

    SPECIAL = "special", _("VAT special invoice (专票)")
    NONE = "none", _("No special invoice (无专票)")


class ExpenseCategory(models.Model):
    """What an expense is (差旅费, 办公费, 业务招待费 …) and the expense account it posts to.
    `input_vat_deductible` off (业务招待费, 职工福利 …): the VAT of its lines is never booked as
    进项税额 but stays in the expense."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    account = models.ForeignKey(
        "accounting.Account",
        verbose_name=_("expense account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    input_vat_deductible = models.BooleanField(
        _("input VAT deductible"),
        default=True,
        help_text=_(
            "Off for 业务招待费, 职工福利 and other purchases whose VAT may not be deducted: "
            "their VAT stays in the expense."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("expense category")
        verbose_name_plural = _("expense categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ExpenseClaim(Document):
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ExpenseClaimState.choices,
        default=ExpenseClaimState.DRAFT,
        db_index=True,
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "iam.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=200)
    total = models.DecimalField(_("amount incl. tax"), default=0, **AMOUNT)
    tax_total = models.DecimalField(_("input VAT"), default=0, **AMOUNT)
    attachments = models.PositiveSmallIntegerField(_("attachments"), default=0)
    voucher = models.ForeignKey(
        "accounting.Voucher",
        verbose_name=_("voucher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    payment_voucher = models.ForeignKey(
        "accounting.Voucher",
        verbose_name=_("payment voucher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    payment_account = models.ForeignKey(
        "accounting.Account",
        verbose_name=_("paid from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(Document.Meta):
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        ordering = ["-date", "-pk"]
        permissions = [
            ("submit_expenseclaim", "Can submit expense claim"),
            ("post_expenseclaim", "Can post expense claim"),
            ("pay_expenseclaim", "Can pay expense claim"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft expense claim %(id)s") % {"id": self.pk})

    @property
    def reference(self) -> str:
        return str(self)

    @property
    def net_total(self):
        return self.total - self.tax_total


class ExpenseClaimLine(DocumentLine):
    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="lines")
    category = models.ForeignKey(
        ExpenseCategory, verbose_name=_("expense category"), on_delete=models.PROTECT
    )
    amount = models.DecimalField(_("amount incl. tax"), **AMOUNT)
    invoice_type = models.CharField(
        _("invoice type"), max_length=10, choices=InvoiceType.choices, default=InvoiceType.NONE
    )
    tax_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4, default=0)
    tax_amount = models.DecimalField(_("input VAT"), default=0, **AMOUNT)
    attachments = models.PositiveSmallIntegerField(_("attachments"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("expense claim line")
        verbose_name_plural = _("expense claim lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tax_amount__gte=0)
                & models.Q(tax_amount__lte=models.F("amount")),
                name="accounting_expense_tax_within_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(invoice_type="special") | models.Q(tax_amount=0),
                name="accounting_expense_no_vat_without_special_invoice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}#{self.line_no}"

    @property
    def net_amount(self):
        return self.amount - self.tax_amount
