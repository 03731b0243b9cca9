from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def draft_name(pk) -> str:
    """How a document without a number yet is named to users: 草稿 #12."""
    return str(_("Draft #%(id)s") % {"id": pk})


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Document(TimeStamped):
    """Header of a business document with a declared state machine (see erp.core.states).

    `number` stays empty on drafts and is assigned by erp.core.services.numbering inside the
    transaction that confirms or posts the document. `version` increments on every edit so
    approvals and optimistic checks can bind to one version.
    """

    number = models.CharField(_("number"), max_length=40, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=20, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        # One table per document type, so the number alone is the key: two documents of a
        # type never share a number, even if a bug or a raw write tried (drafts have none).
        # A subclass declaring its own Meta inherits this with `class Meta(Document.Meta)`
        # (and `*Document.Meta.constraints` if it sets constraints of its own).
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="%(app_label)s_%(class)s_unique_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.reference}"

    @property
    def reference(self) -> str:
        """The number, or "草稿 #12" while a draft has none (how a document is named to users)."""
        return self.number or draft_name(self.pk)


class DocumentLine(models.Model):
    line_no = models.PositiveIntegerField(_("line"))

    class Meta:
        abstract = True
        ordering = ["line_no"]
