"""Import templates of accounting (read by the go-live import engine, erp/golive/importing).

- Chart of accounts (会计科目): one row per account. New codes become sub-accounts of their
  parent (the code minus its last two digits, or the parent column) through
  `services.chart.account_add_child`; existing codes are updated (name, active, 辅助核算)
  through `account_update`. Level-1 accounts come with the standard chart and are not created
  here; the parent of an existing account cannot be changed.
- GL opening balances (期初余额): one row per account and auxiliary value; the whole file is
  ONE opening voucher dated the day before go-live (`services.opening.opening_balances_post`).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from erp.accounting.models import Account, Voucher
from erp.accounting.services.chart import account_add_child, account_update
from erp.accounting.services.opening import OpeningLine, opening_balances_post
from erp.core.errors import ValidationFailed
from erp.golive.importing.spec import BOOL, DATE, DECIMAL, REFERENCE, Column, ImportSpec
from erp.golive.services.cutover import opening_import_check

ZERO = Decimal("0")
AUX_HEADERS = (
    ("customer", _("Auxiliary: customer")),
    ("supplier", _("Auxiliary: supplier")),
    ("department", _("Auxiliary: department")),
    ("employee", _("Auxiliary: employee")),
    ("material", _("Auxiliary: material")),
)
ACCOUNT_FIELDS = ("name", "active", *(f"aux_{name}" for name, _label in AUX_HEADERS))


def _parent_for(code: str, given: Account | None) -> Account:
    parent = given
    if parent is None and len(code) > 4:
        parent = Account.objects.filter(code=code[:-2]).first()
    if parent is None:
        raise ValidationFailed(
            fields={
                "code": [
                    str(
                        _(
                            "Account %(code)s has no parent account. Only sub-accounts can be "
                            "added (parent code + 2 digits); level-1 accounts come with the "
                            "standard chart."
                        )
                        % {"code": code}
                    )
                ]
            }
        )
    return parent


def account_upsert(*, actor, data: dict, lines: list) -> tuple[Account, str]:
    code = str(data["code"]).strip()
    existing = Account.objects.filter(code=code).first()
    given_parent = data.get("parent")
    if existing is not None:
        if given_parent is not None and given_parent.pk != existing.parent_id:
            raise ValidationFailed(
                fields={
                    "parent": [
                        str(
                            _(
                                "Account %(code)s already exists under another parent; its "
                                "parent cannot be changed. Correct the parent code."
                            )
                            % {"code": code}
                        )
                    ]
                }
            )
        changes = {
            k: data[k] for k in ACCOUNT_FIELDS if k in data and getattr(existing, k) != data[k]
        }
        if not changes:
            return existing, "unchanged"
        return account_update(actor=actor, account_id=existing.pk, **changes), "updated"
    parent = _parent_for(code, given_parent)
    flags = {k: data[k] for k in ACCOUNT_FIELDS if k.startswith("aux_") and k in data}
    account = account_add_child(
        actor=actor, parent_id=parent.pk, code=code, name=data["name"], **flags
    )
    if data.get("active") is False:
        account = account_update(actor=actor, account_id=account.pk, active=False)
    return account, "created"


CHART = ImportSpec(
    key="accounting.account",
    title=_("Chart of accounts"),
    sheet="会计科目",
    order=300,
    columns=[
        Column(
            _("Account code"),
            "code",
            required=True,
            help=_("The match key. A new code is the parent code followed by two digits."),
        ),
        Column(_("Account name"), "name", required=True, width=22),
        Column(
            _("Parent account code"),
            "parent",
            REFERENCE,
            model=Account,
            help=_("Empty: the code without its last two digits. May be a row further up."),
        ),
        Column(_("Active"), "active", BOOL, help=_("否 deactivates the account."), width=8),
        *(
            Column(
                label,
                f"aux_{name}",
                BOOL,
                help=_("是: every voucher line on the account must name it. Empty: as parent."),
                width=10,
            )
            for name, label in AUX_HEADERS
        ),
    ],
    permissions=("accounting.add_account", "accounting.change_account"),
    upsert=account_upsert,
    existing=lambda data: Account.objects.filter(code=data.get("code")).first(),
    queryset=lambda: Account.objects.select_related("parent").order_by("code"),
    example=("112201", "应收账款-国内客户", "1122", "是", "是", "否", "否", "否", "否"),
    notes=(
        _("Import parents before their sub-accounts (rows are applied from top to bottom)."),
        _("Direction and category are taken from the parent account."),
    ),
)


def opening_upsert(*, actor, data: dict, lines: list[dict]) -> tuple[Voucher, str]:
    opening = [
        OpeningLine(
            account_code=line["account"].code,
            debit=line.get("debit") or ZERO,
            credit=line.get("credit") or ZERO,
            **{
                f"{name}_id": line[name].pk if line.get(name) is not None else None
                for name in Account.AUX_FIELDS
            },
        )
        for line in lines
    ]
    opening_import_check(actor=actor, kind="gl", go_live=data["go_live_date"])
    voucher = opening_balances_post(actor=actor, go_live=data["go_live_date"], lines=opening)
    return voucher, "created"


def _aux_column(header, field: str, model, lookup: str = "code") -> Column:
    return Column(header, field, REFERENCE, model=model, lookup=lookup, line=True)


def _opening_columns() -> list[Column]:
    from erp.iam.models import Department, User
    from erp.masterdata.models import Customer, Material, Supplier

    amount = {"kind": DECIMAL, "line": True, "places": 2, "minimum": ZERO, "width": 16}
    return [
        Column(
            _("Go-live date"),
            "go_live_date",
            DATE,
            required=True,
            help=_("Same date on every row; the balances are posted the day before."),
        ),
        Column(_("Account code"), "account", REFERENCE, model=Account, line=True, required=True),
        _aux_column(_("Customer code"), "customer", Customer),
        _aux_column(_("Supplier code"), "supplier", Supplier),
        _aux_column(_("Department code"), "department", Department),
        _aux_column(_("Employee user name"), "employee", User, lookup="username"),
        _aux_column(_("Material code"), "material", Material),
        Column(_("Debit balance"), "debit", **amount),
        Column(_("Credit balance"), "credit", **amount),
    ]


OPENING_BALANCES = ImportSpec(
    key="accounting.opening_balance",
    title=_("GL opening balances"),
    sheet="期初余额",
    order=310,
    columns=_opening_columns(),
    key_fields=("go_live_date",),
    line_key_fields=("account", "customer", "supplier", "department", "employee", "material"),
    permissions=("golive.import_opening_balances", "accounting.post_voucher"),
    upsert=opening_upsert,
    existing=lambda data: None,  # never updated: a second import is refused
    queryset=lambda: Voucher.objects.none(),
    example=("2026-03-01", "1002", "", "", "", "", "", 113000, ""),
    more_examples=(("2026-03-01", "4001", "", "", "", "", "", "", 113000),),
    notes=(
        _(
            "One file is one opening voucher: all rows are posted together or not at all, and "
            "only when the debit total equals the credit total."
        ),
        _(
            "Leaf accounts only; fill the auxiliary columns the account requires (e.g. the "
            "customer for 1122 应收账款)."
        ),
        _(
            "Inventory accounts must equal the opening stock value; check it on Finance → "
            "Opening tie-out."
        ),
    ),
)

SPECS = [CHART, OPENING_BALANCES]


# --- opening AR/AP (期初应收 / 期初应付): one row per open invoice -----------------------------


def _opening_arap_upsert(kind: str):
    from erp.accounting.services.arap import OpeningItem, opening_arap_post

    partner = "customer" if kind == "receivable" else "supplier"

    def upsert(*, actor, data: dict, lines: list[dict]) -> tuple[Voucher, str]:
        opening_import_check(
            actor=actor, kind="ar" if kind == "receivable" else "ap", go_live=data["go_live_date"]
        )
        items = [
            OpeningItem(
                partner_id=line[partner].pk,
                number=str(line["number"]).strip(),
                doc_date=line["doc_date"],
                amount=line["amount"],
                due_date=line.get("due_date"),
                account_code=line["account"].code if line.get("account") else "",
            )
            for line in lines
        ]
        voucher = opening_arap_post(
            actor=actor, kind=kind, go_live=data["go_live_date"], items=items
        )
        return voucher, "created"

    return upsert


def _opening_arap_columns(kind: str) -> list[Column]:
    from erp.masterdata.models import Customer, Supplier

    receivable = kind == "receivable"
    return [
        Column(
            _("Go-live date"),
            "go_live_date",
            DATE,
            required=True,
            help=_("Same date on every row; the items are posted the day before."),
        ),
        Column(
            _("Customer code") if receivable else _("Supplier code"),
            "customer" if receivable else "supplier",
            REFERENCE,
            model=Customer if receivable else Supplier,
            line=True,
            required=True,
        ),
        Column(_("Document number"), "number", line=True, required=True, width=18),
        Column(_("Document date"), "doc_date", DATE, line=True, required=True),
        Column(
            _("Due date"),
            "due_date",
            DATE,
            line=True,
            help=_("Empty: document date + the partner's payment term."),
        ),
        Column(
            _("Open amount"),
            "amount",
            DECIMAL,
            line=True,
            required=True,
            places=2,
            width=16,
            help=_("What is still open; negative for an advance (预收/预付)."),
        ),
        Column(
            _("Account code"),
            "account",
            REFERENCE,
            model=Account,
            line=True,
            help=_("Empty: 1122 应收账款 / 220201 应付货款 (2202 in the small chart)."),
        ),
    ]


def _opening_arap_spec(kind: str, key: str, title, sheet: str, order: int, example) -> ImportSpec:
    partner = "customer" if kind == "receivable" else "supplier"
    return ImportSpec(
        key=key,
        title=title,
        sheet=sheet,
        order=order,
        columns=_opening_arap_columns(kind),
        key_fields=("go_live_date",),
        line_key_fields=(partner, "number"),
        permissions=("golive.import_opening_balances", "accounting.post_voucher"),
        upsert=_opening_arap_upsert(kind),
        existing=lambda data: None,  # never updated: a second import is refused
        queryset=lambda: Voucher.objects.none(),
        example=example,
        notes=(
            _(
                "One file is one opening voucher (Dr/Cr the control accounts by partner, "
                "against 未分配利润) and one open item per row, all or nothing."
            ),
            _(
                "Leave these control accounts out of the GL opening balances file: this "
                "import posts them. Check the result on Finance → AR/AP tie-out."
            ),
        ),
    )


OPENING_AR = _opening_arap_spec(
    "receivable",
    "accounting.opening_ar",
    _("Opening receivables"),
    "期初应收",
    320,
    ("2026-03-01", "C001", "INV-2026-0211", "2026-02-11", "", 113000, ""),
)
OPENING_AP = _opening_arap_spec(
    "payable",
    "accounting.opening_ap",
    _("Opening payables"),
    "期初应付",
    330,
    ("2026-03-01", "S001", "PI-88017", "2026-02-20", "2026-03-31", 56500, ""),
)
SPECS += [OPENING_AR, OPENING_AP]
