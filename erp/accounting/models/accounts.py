from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountCategory(models.TextChoices):
    ASSET = "asset", _("Assets")
    LIABILITY = "liability", _("Liabilities")
    COMMON = "common", _("Common")
    EQUITY = "equity", _("Owners' equity")
    COST = "cost", _("Cost")
    PROFIT_LOSS = "pl", _("Profit and loss")


class Direction(models.TextChoices):
    DEBIT = "debit", _("Debit")
    CREDIT = "credit", _("Credit")


class AccountPurpose(models.TextChoices):
    """Accounts the closing services must find whatever their code (the two standards differ)."""

    NONE = "", _("None")
    CURRENT_YEAR_PROFIT = "current_year_profit", _("Current-year profit (本年利润)")
    UNDISTRIBUTED_PROFIT = "undistributed_profit", _("Undistributed profit (未分配利润)")


class Account(models.Model):
    """A ledger account (会计科目). Only leaf accounts take voucher lines; `aux_*` say which
    auxiliary dimensions (辅助核算) every line on the account must carry."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    category = models.CharField(
        pgettext_lazy("account", "category"), max_length=12, choices=AccountCategory.choices
    )
    direction = models.CharField(_("balance direction"), max_length=6, choices=Direction.choices)
    is_leaf = models.BooleanField(_("leaf account"), default=True)
    active = models.BooleanField(_("active"), default=True)
    purpose = models.CharField(
        _("purpose"), max_length=30, choices=AccountPurpose.choices, blank=True, default=""
    )
    aux_customer = models.BooleanField(_("by customer"), default=False)
    aux_supplier = models.BooleanField(_("by supplier"), default=False)
    aux_department = models.BooleanField(_("by department"), default=False)
    aux_employee = models.BooleanField(_("by employee"), default=False)
    aux_material = models.BooleanField(_("by material"), default=False)

    AUX_FIELDS = ("customer", "supplier", "department", "employee", "material")

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("chart of accounts")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def required_aux(self) -> list[str]:
        return [name for name in self.AUX_FIELDS if getattr(self, f"aux_{name}")]
