import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduleSettings(models.Model):
    """When the scheduled operations run and where their results go (single row, pk=1)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    backups_enabled = models.BooleanField(_("daily backup enabled"), default=True)
    backup_time = models.TimeField(_("daily backup time"), default=dt.time(2, 0))
    keep_daily = models.PositiveSmallIntegerField(
        _("daily backups kept"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    keep_weekly = models.PositiveSmallIntegerField(
        _("weekly backups kept"), default=4, validators=[MaxValueValidator(260)]
    )
    keep_monthly = models.PositiveSmallIntegerField(
        _("monthly backups kept"), default=12, validators=[MaxValueValidator(240)]
    )
    offsite_dir = models.CharField(_("off-site directory"), max_length=500, blank=True)
    offsite_day = models.PositiveSmallIntegerField(
        _("off-site copy day of month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    check_weekday = models.PositiveSmallIntegerField(
        _("weekly system check day"), choices=Weekday.choices, default=Weekday.SUNDAY
    )
    admin_email = models.EmailField(_("administrator e-mail"), blank=True)
    overdue_hours = models.PositiveSmallIntegerField(
        _("backup overdue after (hours)"),
        default=26,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 31)],
    )

    class Meta:
        verbose_name = _("schedule settings")
        verbose_name_plural = _("schedule settings")

    def __str__(self) -> str:
        return "schedule settings"
