from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import MasterRecord


class Unit(MasterRecord):
    """计量单位: kg, t, L, 桶, 袋, 个 ..."""

    class Kind(models.TextChoices):
        MASS = "mass", _("Mass")
        VOLUME = "volume", _("Volume")
        COUNT = "count", _("Count")
        LENGTH = "length", _("Length")
        AREA = "area", _("Area")
        TIME = "time", _("Time")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"), default=4)

    class Meta(MasterRecord.Meta):
        verbose_name = _("unit")
        verbose_name_plural = _("units")


class UnitConversion(models.Model):
    """1 from_unit = factor × to_unit. Global when material is empty (1 t = 1000 kg); per
    material otherwise (1 桶 = 200 kg of this resin)."""

    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversions",
    )
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("from unit"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("to unit"), on_delete=models.PROTECT, related_name="+"
    )
    factor = models.DecimalField(_("factor"), max_digits=24, decimal_places=10)

    class Meta:
        verbose_name = _("unit conversion")
        verbose_name_plural = _("unit conversions")
        constraints = [
            models.UniqueConstraint(
                fields=["material", "from_unit", "to_unit"], name="uniq_conversion_material"
            ),
            models.UniqueConstraint(
                fields=["from_unit", "to_unit"],
                condition=Q(material__isnull=True),
                name="uniq_conversion_global",
            ),
            models.CheckConstraint(condition=Q(factor__gt=0), name="conversion_factor_positive"),
            models.CheckConstraint(
                condition=~Q(from_unit=models.F("to_unit")), name="conversion_units_differ"
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.from_unit.code} = {self.factor.normalize()} {self.to_unit.code}"
