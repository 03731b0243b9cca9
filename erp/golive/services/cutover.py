"""Go-live date and cut-over lock (上线切换锁).

- The go-live date is the first day of a month; the opening balances (GL, stock, AR, AP) are
  imported only before the lock, only by finance (permissions golive.import_opening_balances /
  golive.import_opening_stock — never the plain warehouse role), and are always dated the day
  before go-live: `opening_import_check` is called by every opening import inside its
  transaction, before anything is written.
- Locking needs a green tie-out (opening trial balance balanced, stock = inventory accounts,
  AR/AP subledger = control accounts per customer/supplier) and the finance manager's
  permission golive.lock_cutover. Unlocking takes two people: the finance manager asks with a
  reason, the general manager (golive.approve_unlock_cutover) approves. All audited."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, Conflict, ValidationFailed
from erp.core.services.audit import audit_record
from erp.golive.models import CutOver

OPENING_KINDS = {
    "gl": ("golive.import_opening_balances", _("GL opening balances")),
    "ar": ("golive.import_opening_balances", _("Opening receivables")),
    "ap": ("golive.import_opening_balances", _("Opening payables")),
    "stock": ("golive.import_opening_stock", _("Opening stock")),
}


class CutOverLocked(Conflict):
    code = "golive_locked"
    default_message = _(
        "The go-live cut-over is locked: opening balances can no longer be imported. Correct "
        "the books with a voucher or a stock document dated after go-live, or ask the finance "
        "manager and the general manager to unlock the cut-over."
    )


def cutover_get() -> CutOver:
    return CutOver.objects.get_or_create(pk=1)[0]


def _for_update() -> CutOver:
    cutover_get()
    return CutOver.objects.select_for_update().get(pk=1)


def opening_import_check(*, actor, kind: str, go_live: dt.date) -> CutOver:
    """Refuse an opening import unless the cut-over is open, the actor may import this kind
    and `go_live` is the go-live date set on the cockpit. Locks the cut-over row until the
    caller's transaction ends, so the lock cannot slip between check and write."""
    perm, label = OPENING_KINDS[kind]
    require_perm(actor, perm)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("opening_import_check must run inside the import's transaction")
    cutover = _for_update()
    if cutover.locked:
        raise CutOverLocked()
    if cutover.go_live_date is None:
        raise BusinessRuleError(
            _(
                "No go-live date is set. The finance manager sets it on 上线驾驶舱 (Go-live "
                "cockpit) before any opening balance is imported."
            ),
            code="golive_date_missing",
        )
    if go_live != cutover.go_live_date:
        raise BusinessRuleError(
            _(
                "%(what)s: the file's go-live date %(date)s is not the company's go-live date "
                "%(golive)s. Opening balances are always dated the day before go-live "
                "(%(opening)s): write %(golive)s in the go-live date column."
            )
            % {
                "what": label,
                "date": go_live.isoformat(),
                "golive": cutover.go_live_date.isoformat(),
                "opening": (cutover.go_live_date - dt.timedelta(days=1)).isoformat(),
            },
            code="golive_date_mismatch",
        )
    return cutover


@transaction.atomic
def go_live_date_set(*, actor, go_live: dt.date) -> CutOver:
    require_perm(actor, "golive.lock_cutover")
    if go_live.day != 1:
        raise ValidationFailed(
            _("The go-live date must be the first day of a month, e.g. %(example)s.")
            % {"example": go_live.replace(day=1).isoformat()},
            fields={"go_live_date": [_("Choose the first day of a month.")]},
        )
    cutover = _for_update()
    if cutover.locked:
        raise CutOverLocked()
    if _openings_imported():
        raise BusinessRuleError(
            _(
                "Opening balances were already imported for go-live %(date)s. Reverse them "
                "before changing the go-live date."
            )
            % {"date": cutover.go_live_date},
            code="golive_date_has_openings",
        )
    before = cutover.go_live_date.isoformat() if cutover.go_live_date else None
    cutover.go_live_date = go_live
    cutover.save(update_fields=["go_live_date"])
    audit_record(
        actor=actor,
        action="update",
        obj=cutover,
        changes={"go_live_date": [before, go_live.isoformat()]},
    )
    return cutover


def _openings_imported() -> bool:
    from erp.golive.selectors import opening_imports

    return any(item.done for item in opening_imports())


@dataclass
class TieCheck:
    code: str
    label: str
    ok: bool
    detail: str = ""
    url_name: str = ""
    url: str = ""  # a full link (with its filter) instead of url_name


@dataclass
class TieOutStatus:
    go_live: dt.date | None
    checks: list[TieCheck] = field(default_factory=list)

    @property
    def green(self) -> bool:
        return self.go_live is not None and all(c.ok for c in self.checks)


def tie_out_status(go_live: dt.date | None) -> TieOutStatus:
    """The four tie-out checks at the opening date (the day before go-live)."""
    from erp.accounting.selectors_arap import control_tie_out
    from erp.accounting.selectors_statements import opening_tie_out

    if go_live is None:
        return TieOutStatus(None)
    tie = opening_tie_out(go_live)
    partners = [r for r in control_tie_out(tie.opening_date) if r.difference]
    stock_off = [s for s in tie.stock if s.difference]
    stock_detail = "; ".join(
        f"{s.code} {s.name}: {_('stock')} {s.stock_value} / GL {s.gl_value}" for s in stock_off
    )
    if tie.unmapped_stock:
        stock_detail = (
            f"{stock_detail}; " if stock_detail else ""
        ) + f"{_('stock without a posting rule')}: {tie.unmapped_stock}"
    checks = [
        TieCheck(
            "balanced",
            str(_("Opening trial balance balanced")),
            tie.balanced,
            f"{_('debit')} {tie.debit_total} / {_('credit')} {tie.credit_total}",
            "accounting:opening_tie_out",
        ),
        TieCheck(
            "stock",
            str(_("Stock = inventory accounts")),
            tie.stock_ok,
            stock_detail,
            "accounting:opening_tie_out",
        ),
        TieCheck(
            "arap",
            str(_("AR = 1122 per customer, AP = 2202 per supplier")),
            tie.arap_ok and not partners,
            "; ".join(
                f"{r.account_code} {r.partner_name}: {r.subledger} / GL {r.gl}"
                for r in partners[:5]
            ),
            "accounting:arap_tie_out",
        ),
        _review_check(),
    ]
    return TieOutStatus(go_live, checks)


def _review_check() -> TieCheck:
    """Every opening voucher (GL, AR, AP, stock) is reviewed by a second user (审核), like a
    manual voucher — whatever the company setting for vouchers posted by documents says."""
    from django.urls import reverse

    from erp.golive.selectors import opening_vouchers_unreviewed

    pending = list(opening_vouchers_unreviewed().select_related("created_by")[:6])
    detail = ""
    if pending:
        detail = str(
            _(
                "not reviewed yet: %(vouchers)s. Another user than the one who imported them "
                "reviews them (voucher page → 审核)."
            )
            % {
                "vouchers": ", ".join(
                    f"{v.number} ({v.created_by})" if v.created_by else v.number
                    for v in pending[:5]
                )
                + (" …" if len(pending) > 5 else "")
            }
        )
    return TieCheck(
        "reviewed",
        str(_("Opening vouchers reviewed by a second user")),
        not pending,
        detail,
        "accounting:voucher_list",
        reverse("accounting:voucher_list") + "?state=posted&unreviewed=true",
    )


@transaction.atomic
def cutover_lock(*, actor) -> CutOver:
    require_perm(actor, "golive.lock_cutover")
    cutover = _for_update()
    if cutover.locked:
        raise Conflict(_("The cut-over is locked already."), code="golive_already_locked")
    if cutover.go_live_date is None:
        raise BusinessRuleError(
            _("Set the go-live date first, then import the opening balances and lock."),
            code="golive_date_missing",
        )
    status = tie_out_status(cutover.go_live_date)
    if not status.green:
        failed = [c for c in status.checks if not c.ok]
        raise BusinessRuleError(
            _(
                "The tie-out is not green: %(checks)s. Correct the opening imports (open the "
                "tie-out pages from the cockpit), then lock."
            )
            % {"checks": "; ".join(f"{c.label} ({c.detail})" for c in failed)},
            code="golive_tie_out_red",
            checks=[c.code for c in failed],
        )
    cutover.state = CutOver.State.LOCKED
    cutover.locked_at, cutover.locked_by = timezone.now(), actor
    cutover.unlock_requested_by, cutover.unlock_requested_at = None, None
    cutover.unlock_reason = ""
    cutover.save()
    audit_record(
        actor=actor,
        action="transition",
        obj=cutover,
        changes={"state": ["open", "locked"]},
        note=f"lock go-live {cutover.go_live_date.isoformat()}",
    )
    return cutover


@transaction.atomic
def cutover_unlock_request(*, actor, reason: str) -> CutOver:
    """The finance manager asks to unlock (with the reason); the general manager approves."""
    require_perm(actor, "golive.lock_cutover")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Give the reason for unlocking; it is kept in the audit log."),
            fields={"reason": [_("Enter the reason.")]},
        )
    cutover = _for_update()
    if not cutover.locked:
        raise Conflict(_("The cut-over is not locked."), code="golive_not_locked")
    cutover.unlock_requested_by, cutover.unlock_requested_at = actor, timezone.now()
    cutover.unlock_reason = reason
    cutover.save(update_fields=["unlock_requested_by", "unlock_requested_at", "unlock_reason"])
    audit_record(actor=actor, action="update", obj=cutover, note=f"unlock requested: {reason}")
    return cutover


@transaction.atomic
def cutover_unlock_approve(*, actor) -> CutOver:
    require_perm(actor, "golive.approve_unlock_cutover")
    cutover = _for_update()
    if not cutover.locked or cutover.unlock_requested_by_id is None:
        raise Conflict(
            _("Nobody asked to unlock the cut-over. The finance manager asks first."),
            code="golive_unlock_not_requested",
        )
    if cutover.unlock_requested_by_id == actor.pk:
        raise BusinessRuleError(
            _("You asked to unlock, so you cannot approve it too. The general manager approves."),
            code="golive_unlock_same_person",
        )
    reason = cutover.unlock_reason
    cutover.state = CutOver.State.OPEN
    cutover.locked_at, cutover.locked_by = None, None
    cutover.unlock_requested_by, cutover.unlock_requested_at = None, None
    cutover.unlock_reason = ""
    cutover.save()
    audit_record(
        actor=actor,
        action="transition",
        obj=cutover,
        changes={"state": ["locked", "open"]},
        note=f"unlock approved: {reason}",
    )
    return cutover
