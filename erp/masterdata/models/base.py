from django.db import models
from django.utils.translation import gettext_lazy as _


class MasterRecord(models.Model):
    """Fields every master record has: a business code (the upsert key for imports), a name,
    an active flag (records are deactivated, never deleted, once referenced)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
