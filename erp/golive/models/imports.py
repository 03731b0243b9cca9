from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportLog(models.Model):
    """One uploaded file: its dry run, then (after confirmation) its application."""

    class Result(models.TextChoices):
        DRY_RUN_OK = "dry_run_ok", _("Checked, waiting for confirmation")
        DRY_RUN_FAILED = "dry_run_failed", _("Check failed")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Import failed, nothing written")

    spec_key = models.CharField(_("import type"), max_length=60, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    stored_name = models.CharField(max_length=255, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    message = models.TextField(_("message"), blank=True)
    # Per-row outcome of the last run (capped), shown on the preview page.
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import log")
        verbose_name_plural = _("import logs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["spec_key", "sha256", "result"])]

    def __str__(self) -> str:
        return f"{self.spec_key} {self.file_name}"


class ImportLock(models.Model):
    """One row per import type; applying an import locks it so two runs of the same type
    queue instead of interleaving (SQLite's IMMEDIATE transactions serialise anyway)."""

    spec_key = models.CharField(max_length=60, unique=True)

    class Meta:
        verbose_name = _("import lock")
        verbose_name_plural = _("import locks")

    def __str__(self) -> str:
        return self.spec_key
