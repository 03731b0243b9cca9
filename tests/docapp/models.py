from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.core.models import Document, DocumentLine
from erp.core.states import StateMachine, Transition


class SampleDoc(Document):
    # Unmigrated apps are created before migrated ones (run_syncdb), so the user table does not
    # exist yet: no database-level foreign key here.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    title = models.CharField(max_length=100, blank=True)

    class Meta(Document.Meta):
        permissions = [
            ("confirm_sampledoc", "Can confirm sample documents"),
            ("cancel_sampledoc", "Can cancel sample documents"),
        ]

    def __str__(self) -> str:
        return self.number or f"draft #{self.pk}"


class SampleDocLine(DocumentLine):
    doc = models.ForeignKey(SampleDoc, on_delete=models.CASCADE, related_name="lines")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta(DocumentLine.Meta):
        pass


class SampleDocState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


SAMPLE_DOC_STATES = StateMachine(
    SampleDocState,
    [
        Transition("confirm", ("draft",), "confirmed", "docapp.confirm_sampledoc", _("Confirm")),
        Transition(
            "cancel", ("draft", "confirmed"), "cancelled", "docapp.cancel_sampledoc", _("Cancel")
        ),
    ],
)
