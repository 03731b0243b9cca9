from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupRecord(models.Model):
    """One run of `erp backup` (scheduled, manual or from the command line) and its drill.

    Operational bookkeeping like a JobRun: the archive itself is the evidence, so a record is
    written by the backup machinery, not by a business service, and carries no audit event."""

    class Trigger(models.TextChoices):
        COMMAND = "command", _("Command line")
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Status page")
        CLONE = "clone", _("Clone to test")

    created_at = models.DateTimeField(_("taken at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    path = models.CharField(_("archive"), max_length=500, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    vendor = models.CharField(_("database"), max_length=20, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    message = models.TextField(_("message"), blank=True)
    verified_at = models.DateTimeField(_("restore drill at"), null=True, blank=True)
    verify_ok = models.BooleanField(_("restore drill passed"), null=True)
    verify_message = models.TextField(_("restore drill result"), blank=True)
    pruned_at = models.DateTimeField(_("removed by retention at"), null=True, blank=True)

    class Meta:
        verbose_name = _("backup")
        verbose_name_plural = _("backups")
        ordering = ["-created_at"]
        permissions = [
            ("view_status", "Can view the system status page"),
            ("verify_backuprecord", "Can run a restore drill of a backup"),
            # The archive holds the whole database (password hashes, tokens): admins only.
            ("download_backuprecord", "Can download backup archives"),
        ]

    def __str__(self) -> str:
        return f"backup {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def file_name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]
