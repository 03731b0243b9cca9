from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import MasterRecord

AMOUNT = {"max_digits": 18, "decimal_places": 2}


class PaymentTerm(MasterRecord):
    """付款条件: e.g. 月结30天 (net 30 days)."""

    days = models.PositiveIntegerField(_("days until due"), default=0)

    class Meta(MasterRecord.Meta):
        verbose_name = _("payment term")
        verbose_name_plural = _("payment terms")


class BusinessPartner(MasterRecord):
    """Fields customers and suppliers share, including the data printed on VAT invoices."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    invoice_title = models.CharField(_("invoice title"), max_length=200, blank=True)
    invoice_address = models.CharField(_("invoice address"), max_length=300, blank=True)
    invoice_phone = models.CharField(_("invoice phone"), max_length=50, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=60, blank=True)
    payment_term = models.ForeignKey(
        PaymentTerm,
        verbose_name=_("payment term"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(MasterRecord.Meta):
        abstract = True


class Customer(BusinessPartner):
    credit_limit = models.DecimalField(_("credit limit"), default=0, **AMOUNT)
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(BusinessPartner.Meta):
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["name"])]
        # Credit limits are a finance control: salespeople may edit customers but not this.
        permissions = [("set_credit_limit_customer", _("Can set a customer's credit limit"))]


class Supplier(BusinessPartner):
    class Approval(models.TextChoices):
        PENDING = "pending", _("Under evaluation")
        APPROVED = "approved", pgettext_lazy("supplier status", "Approved")
        SUSPENDED = "suspended", _("Suspended")
        DISQUALIFIED = "disqualified", _("Disqualified")

    approval_status = models.CharField(
        _("approved-supplier status"),
        max_length=12,
        choices=Approval.choices,
        default=Approval.PENDING,
    )

    class Meta(BusinessPartner.Meta):
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        indexes = [models.Index(fields=["name"])]


class Contact(models.Model):
    name = models.CharField(_("contact name"), max_length=100)
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        abstract = True
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.name


class CustomerContact(Contact):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")

    class Meta(Contact.Meta):
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")


class SupplierContact(Contact):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")

    class Meta(Contact.Meta):
        verbose_name = _("supplier contact")
        verbose_name_plural = _("supplier contacts")


class CustomerAddress(models.Model):
    """A delivery address (收货地址)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)

    class Meta:
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")
        ordering = ["-is_default", "id"]

    def __str__(self) -> str:
        return self.address


class SupplierMaterial(models.Model):
    """A material this supplier is approved to supply."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="supplier_links",
    )
    supplier_code = models.CharField(_("supplier's material code"), max_length=60, blank=True)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True)
    is_preferred = models.BooleanField(_("preferred supplier"), default=False)

    class Meta:
        verbose_name = _("supplied material")
        verbose_name_plural = _("supplied materials")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "material"], name="uniq_supplier_material")
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id}:{self.material_id}"
