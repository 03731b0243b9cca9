from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Role(models.Model):
    """A role from erp/iam/roles.toml. Its permissions live on the linked auth Group, so Django's
    own permission checks (user.has_perm) see them."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name

    @property
    def description_display(self) -> str:
        """roles.toml writes descriptions as "中文 / English": the half in the user's language."""
        zh, sep, en = self.description.partition(" / ")
        if not sep:
            return self.description
        return en.strip() if (get_language() or "").startswith("en") else zh.strip()
