"""Reads of import logs and of the go-live cockpit."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from erp.core.access import has_perm
from erp.core.errors import NotFound
from erp.golive.importing.spec import all_specs, spec_get
from erp.golive.models import ImportLog


def import_log_list(user) -> QuerySet[ImportLog]:
    """Everyone holding view_importlog sees every import; others only their own."""
    qs = ImportLog.objects.select_related("actor").order_by("-created_at", "-id")
    return qs if has_perm(user, "golive.view_importlog") else qs.filter(actor=user)


def import_log_get(user, log_id: int) -> ImportLog:
    log = import_log_list(user).filter(pk=log_id).first()
    if log is None:
        raise NotFound()
    return log


# --- go-live cockpit (上线驾驶舱) -------------------------------------------------------------

OPENING_SPEC_KEYS = {
    "gl": "accounting.opening_balance",
    "stock": "inventory.opening_stock",
    "ar": "accounting.opening_ar",
    "ap": "accounting.opening_ap",
}
MARKS = {
    "numbering": _("Coding rules (编码规则) reviewed"),
    "approvals": _("Approval rules reviewed"),
    "posting_rules": _("Posting rules reviewed"),
    "print_templates": _("Print templates checked"),
    "uat": _("UAT run on the test instance recorded"),
}


@dataclass
class Item:
    code: str
    label: Any
    done: bool
    detail: str = ""
    url: str = ""
    mark: bool = False  # a person confirms it (button on the cockpit)
    marked_by: str = ""


@dataclass
class Phase:
    title: Any
    items: list[Item] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return all(i.done for i in self.items)


def _url(name: str, query: str = "") -> str:
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


def users_without_role() -> QuerySet:
    from erp.iam.models import User

    return User.objects.filter(is_active=True).exclude(groups__role__isnull=False)


def roles_without_users() -> QuerySet:
    from erp.iam.models import Role

    return Role.objects.annotate(
        n=Count("group__user", filter=Q(group__user__is_active=True))
    ).filter(n=0)


OPENING_VOUCHER_SOURCES = (
    "golive.openingbalance",
    "golive.openingar",
    "golive.openingap",
    "golive.openingstock",
)


def opening_vouchers_unreviewed():
    """Posted opening vouchers (GL, AR, AP, stock) not yet reviewed by a second user: nobody
    reviewed them, or (defensively) their creator did. Like every manual voucher they need
    审核 by someone other than the one who imported them, whatever the company setting for
    vouchers posted by documents says."""
    from erp.accounting.models import Voucher
    from erp.accounting.states import VoucherState

    return (
        Voucher.objects.filter(source_type__in=OPENING_VOUCHER_SOURCES, state=VoucherState.POSTED)
        .filter(Q(reviewed_by__isnull=True) | Q(reviewed_by=F("created_by")))
        .order_by("date", "number", "pk")
    )


def _expense_category_count() -> int:
    from erp.accounting.models import ExpenseCategory

    return ExpenseCategory.objects.filter(active=True).count()


def opening_imports() -> list[Item]:
    """The four opening imports: done when a live opening posting exists for the go-live."""
    from erp.accounting.models import Voucher
    from erp.accounting.services.arap import OPENING_SOURCE as ARAP
    from erp.accounting.states import VoucherState
    from erp.golive.models import CutOver
    from erp.inventory.imports import opening_stock_posted

    cutover = CutOver.objects.filter(pk=1).first()
    go_live = cutover.go_live_date.isoformat() if cutover and cutover.go_live_date else ""
    sources = {
        "gl": "golive.openingbalance",
        "ar": ARAP["receivable"],
        "ap": ARAP["payable"],
    }
    items = []
    for kind, key in OPENING_SPEC_KEYS.items():
        spec = spec_get(key)
        if kind == "stock":
            move = opening_stock_posted()
            done, detail = move is not None, (f"{move.source_id}" if move else "")
        else:
            voucher = (
                Voucher.objects.filter(
                    source_type=sources[kind],
                    source_id=go_live,
                    state=VoucherState.POSTED,
                    reversed_by__isnull=True,
                ).first()
                if go_live
                else None
            )
            done, detail = voucher is not None, (voucher.number if voucher else "")
        items.append(
            Item(
                f"opening_{kind}",
                spec.title if spec else key,
                done,
                str(detail or ""),
                _url(f"golive:import_{key.replace('.', '_')}"),
            )
        )
    return items


def _master_data_items() -> list[Item]:
    items = []
    last = {}
    for log in ImportLog.objects.filter(result=ImportLog.Result.APPLIED).order_by("applied_at"):
        last[log.spec_key] = log
    for spec in all_specs():
        if spec.key in OPENING_SPEC_KEYS.values():
            continue
        count = spec.queryset().count()
        log = last.get(spec.key)
        detail = str(_("%(n)s records") % {"n": count})
        if log is not None:
            detail += " · " + str(
                _("last import %(when)s by %(who)s")
                % {"when": f"{localtime(log.applied_at):%Y-%m-%d %H:%M}", "who": log.actor}
            )
        items.append(
            Item(
                f"import_{spec.slug}",
                spec.title,
                count > 0,
                detail,
                _url(f"golive:import_{spec.slug}"),
            )
        )
    return items


def _mark_item(code: str, url: str, marks: dict) -> Item:
    mark = marks.get(code)
    detail = (
        f"{mark.confirmed_by} · {localtime(mark.confirmed_at):%Y-%m-%d %H:%M}"
        if mark is not None
        else ""
    )
    return Item(code, MARKS[code], mark is not None, detail, url, mark=True)


def cockpit(user) -> list[Phase]:
    """The seed's four phases as a checklist the system tracks itself; each item links to
    where it is done."""
    from erp.accounting.models import Account, Period
    from erp.core.models import Company
    from erp.golive.models import ChecklistMark
    from erp.golive.services.cutover import cutover_get, tie_out_status
    from erp.iam.models import Department
    from erp.ops.models import BackupRecord

    cutover = cutover_get()
    go_live = cutover.go_live_date
    marks = {m.code: m for m in ChecklistMark.objects.select_related("confirmed_by")}
    company = Company.objects.filter(pk=1).first()
    no_role = users_without_role().count()
    periods_ok = bool(go_live) and all(
        Period.objects.filter(start__lte=d, end__gte=d).exists()
        for d in (go_live, go_live - dt.timedelta(days=1))
    )
    preparation = Phase(
        _("1 Preparation"),
        [
            Item(
                "company",
                _("Company"),
                bool(company and company.name),
                company.name if company else "",
                _url("core:company"),
            ),
            Item(
                "chart",
                _("Chart of accounts"),
                Account.objects.exists(),
                str(_("%(n)s accounts") % {"n": Account.objects.count()}),
                _url("accounting:account_list"),
            ),
            Item(
                "periods",
                _("Periods around go-live opened"),
                periods_ok,
                go_live.isoformat() if go_live else "",
                _url("accounting:period_list"),
            ),
            Item(
                "departments",
                _("Departments"),
                Department.objects.exists(),
                str(_("%(n)s departments") % {"n": Department.objects.count()}),
                _url("iam:department_list"),
            ),
            Item(
                "expense_categories",
                _("Expense categories"),
                _expense_category_count() > 0,
                str(_("%(n)s expense categories") % {"n": _expense_category_count()}),
                _url("accounting:expense_categories"),
            ),
            Item(
                "roles",
                _("Every user has a role"),
                no_role == 0,
                str(_("%(n)s users without a role") % {"n": no_role}) if no_role else "",
                _url("iam:user_list", "?role=__none__"),
            ),
        ],
    )
    master = Phase(
        _("2 Master data and rules"),
        [
            *_master_data_items(),
            _mark_item("numbering", _url("core_settings:numbering_list"), marks),
            _mark_item("approvals", _url("approvals:rule_list"), marks),
            _mark_item("posting_rules", _url("accounting:posting_rules"), marks),
            _mark_item("print_templates", _url("core:print_sample"), marks),
        ],
    )
    verified = BackupRecord.objects.filter(verify_ok=True).order_by("-verified_at").first()
    uat = Phase(
        _("3 Test run"),
        [
            _mark_item("uat", _url("ops:status"), marks),
            Item(
                "backup",
                _("Backup verified by a restore drill"),
                verified is not None,
                f"{localtime(verified.verified_at):%Y-%m-%d %H:%M}" if verified else "",
                _url("ops:status"),
            ),
        ],
    )
    status = tie_out_status(go_live)
    cut = Phase(
        _("4 Cut-over"),
        [
            Item(
                "go_live_date",
                _("Go-live date set (first day of a month)"),
                bool(go_live),
                go_live.isoformat() if go_live else "",
                "#cutover",
            ),
            *opening_imports(),
            Item(
                "tie_out",
                _("Tie-out green"),
                status.green,
                "; ".join(str(c.label) for c in status.checks if not c.ok),
                _url("accounting:opening_tie_out"),
            ),
            Item(
                "locked",
                _("Cut-over locked"),
                cutover.locked,
                f"{cutover.locked_by} · {localtime(cutover.locked_at):%Y-%m-%d %H:%M}"
                if cutover.locked
                else "",
                "#cutover",
            ),
        ],
    )
    return [preparation, master, uat, cut]
