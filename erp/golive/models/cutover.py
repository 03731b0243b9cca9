"""Go-live state: the one-time set-up token, the go-live date with its cut-over lock, and the
cockpit items a person confirms (coding rules reviewed, print templates checked, UAT run)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SetupToken(models.Model):
    """The one-time token `erp setup --no-demo` prints: it opens the first-run wizard from
    another machine while no user exists. Only its SHA-256 is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("set-up token")
        verbose_name_plural = _("set-up tokens")

    def __str__(self) -> str:
        return f"setup token {self.created_at:%Y-%m-%d %H:%M}"


class CutOver(models.Model):
    """The go-live date and the cut-over lock (single row, pk=1). Before the lock, finance
    imports the opening balances dated the day before go-live; after it, none."""

    class State(models.TextChoices):
        OPEN = "open", _("Open for opening imports")
        LOCKED = "locked", _("Locked")

    go_live_date = models.DateField(_("go-live date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unlock_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unlock requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unlock_requested_at = models.DateTimeField(_("unlock requested at"), null=True, blank=True)
    unlock_reason = models.TextField(_("reason for unlocking"), blank=True)

    class Meta:
        verbose_name = _("cut-over")
        verbose_name_plural = _("cut-over")
        permissions = [
            ("import_opening_balances", "Can import opening GL, AR and AP balances"),
            ("import_opening_stock", "Can import opening stock"),
            ("lock_cutover", "Can set the go-live date and lock the cut-over"),
            ("approve_unlock_cutover", "Can approve unlocking the cut-over"),
        ]

    def __str__(self) -> str:
        return f"go-live {self.go_live_date or '-'} {self.state}"

    @property
    def locked(self) -> bool:
        return self.state == self.State.LOCKED


class ChecklistMark(models.Model):
    """A cockpit item a person confirms (who and when), e.g. "coding rules reviewed"."""

    code = models.CharField(_("item"), max_length=40, unique=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("go-live checklist confirmation")
        verbose_name_plural = _("go-live checklist confirmations")
        permissions = [("confirm_checklistmark", "Can confirm go-live checklist items")]

    def __str__(self) -> str:
        return self.code
