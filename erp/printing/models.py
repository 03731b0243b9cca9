"""Print templates users edit (打印模板): per document type, versioned append-only, with the
company's seal and logo images and a log of every print."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _user(verbose_name) -> models.ForeignKey:
    """Who saved, uploaded or printed: a user kept while rows point at them (PROTECT), empty
    for rows written without a signed-in user (the demo loader, a background job)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )


class Paper(models.TextChoices):
    A4 = "a4", _("A4")
    A5 = "a5", _("A5")
    TRIPLE = "241x93", _("241 × 93.1 mm continuous (3-part)")


class Orientation(models.TextChoices):
    PORTRAIT = "portrait", _("Portrait")
    LANDSCAPE = "landscape", _("Landscape")


class PrintTemplate(models.Model):
    """One layout of a document type ("送货单 A4", "送货单 三联"); one per type is the default.
    Its content lives in versions; `active_version` is the one prints use."""

    doc_type = models.CharField(_("document type"), max_length=60)  # "sales.deliverynote"
    name = models.CharField(_("template name"), max_length=100)
    is_default = models.BooleanField(_("default"), default=False)
    active_version = models.ForeignKey(
        "PrintTemplateVersion",
        verbose_name=_("active version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("print template")
        verbose_name_plural = _("print templates")
        ordering = ["doc_type", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "name"], name="printing_template_name"),
            models.UniqueConstraint(
                fields=["doc_type"], condition=Q(is_default=True), name="printing_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PrintTemplateVersion(models.Model):
    """One saved state of a template: append-only, never changed after it is written."""

    template = models.ForeignKey(
        PrintTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("template HTML"))
    paper = models.CharField(_("paper"), max_length=10, choices=Paper.choices, default=Paper.A4)
    orientation = models.CharField(
        _("orientation"),
        max_length=10,
        choices=Orientation.choices,
        default=Orientation.PORTRAIT,
    )
    margins = models.CharField(_("margins (mm)"), max_length=40, default="20 12 16 12")
    copies = models.TextField(_("copy captions"), blank=True)  # one caption a line
    note = models.CharField(pgettext_lazy("version", "note"), max_length=200, blank=True)
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("restored from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = _user(_("saved by"))
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("print template version")
        verbose_name_plural = _("print template versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="printing_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def captions(self) -> list[str]:
        return [c.strip() for c in self.copies.splitlines() if c.strip()]


class PrintAsset(models.Model):
    """The company's seal (印章) or logo image, validated at upload, kept in the database so
    templates get it as a data: URI (no file path reaches a template) and export carries it."""

    class Kind(models.TextChoices):
        SEAL = "seal", _("Company seal")
        LOGO = "logo", _("Company logo")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, unique=True)
    content_type = models.CharField(_("content type"), max_length=30)
    data = models.BinaryField(_("image"))
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    uploaded_by = _user(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("print image")
        verbose_name_plural = _("print images")

    def __str__(self) -> str:
        return self.get_kind_display()


class PrintLog(models.Model):
    """One print of one document: who, when, with which template version (null: the built-in
    layout). The count of earlier rows is the reprint number shown on the paper (重打)."""

    doc_type = models.CharField(_("document type"), max_length=60)
    doc_id = models.PositiveBigIntegerField(_("document id"))
    doc_reference = models.CharField(_("document"), max_length=60)
    version = models.ForeignKey(
        PrintTemplateVersion,
        verbose_name=_("template version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    print_no = models.PositiveIntegerField(_("print number"))  # 1 = first print
    printed_by = _user(_("printed by"))
    printed_at = models.DateTimeField(_("printed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("print log entry")
        verbose_name_plural = _("print log")
        ordering = ["-printed_at", "-pk"]
        indexes = [
            models.Index(fields=["doc_type", "doc_id"], name="printing_log_doc"),
            models.Index(fields=["-printed_at"], name="printing_log_time"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_reference} #{self.print_no}"

    @property
    def is_reprint(self) -> bool:
        return self.print_no > 1

    @property
    def reprint_label(self) -> str:
        """重打 N as the paper says it; empty on the first print."""
        return _("Reprint %(n)s") % {"n": self.print_no - 1} if self.is_reprint else ""

    @property
    def version_label(self) -> str:
        if self.version is None:
            return str(_("Built-in layout"))
        return f"{self.version.template.name} v{self.version.number}"
