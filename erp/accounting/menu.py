from django.utils.translation import gettext_lazy as _

from erp.accounting import selectors
from erp.core.menu import HomeFigure, MenuItem

MENU = [
    MenuItem(
        "finance",
        _("Vouchers"),
        "accounting:voucher_list",
        "accounting.view_voucher",
        "journal-text",
        10,
    ),
    MenuItem(
        "finance",
        _("New voucher"),
        "accounting:voucher_create",
        "accounting.add_voucher",
        "plus-square",
        11,
    ),
    MenuItem(
        "finance",
        _("Trial balance"),
        "accounting:trial_balance",
        "accounting.view_accountperiodbalance",
        "table",
        20,
    ),
    MenuItem(
        "finance",
        _("General ledger"),
        "accounting:general_ledger",
        "accounting.view_accountperiodbalance",
        "book",
        21,
    ),
    MenuItem(
        "finance",
        _("Detail ledger"),
        "accounting:detail_ledger",
        "accounting.view_voucher",
        "list-columns",
        22,
    ),
    MenuItem(
        "finance",
        _("Accounting periods"),
        "accounting:period_list",
        "accounting.view_period",
        "calendar-check",
        30,
    ),
    MenuItem(
        "finance",
        _("Chart of accounts"),
        "accounting:account_list",
        "accounting.view_account",
        "diagram-3",
        40,
    ),
]

FIGURES = [
    HomeFigure(
        "finance",
        _("Vouchers not yet posted"),
        "accounting.view_voucher",
        selectors.voucher_count,
        "accounting:voucher_list",
        url_query="unposted=true",
    ),
]

# Expense claims (费用报销): every employee files their own; finance sees all.
MENU += [
    MenuItem(
        "finance",
        _("My expense claims"),
        "accounting:my_expenseclaim_list",
        "accounting.add_expenseclaim",
        "receipt",
        50,
    ),
    MenuItem(
        "finance",
        _("Expense claims"),
        "accounting:expenseclaim_list",
        "accounting.view_expenseclaim",
        "receipt-cutoff",
        51,
    ),
]

# Statements (views_statements).
MENU += [
    MenuItem(
        "finance",
        _("Balance sheet"),
        "accounting:balance_sheet",
        "accounting.view_accountperiodbalance",
        "clipboard-data",
        23,
    ),
    MenuItem(
        "finance",
        _("Income statement"),
        "accounting:income_statement",
        "accounting.view_accountperiodbalance",
        "graph-up",
        24,
    ),
    MenuItem(
        "finance",
        _("VAT summary"),
        "accounting:vat_summary",
        "accounting.view_accountperiodbalance",
        "receipt",
        25,
    ),
    MenuItem(
        "finance",
        _("Opening tie-out"),
        "accounting:opening_tie_out",
        "accounting.view_accountperiodbalance",
        "check2-square",
        26,
    ),
]

# AR/AP subledgers (views_arap).
MENU += [
    MenuItem(
        "finance",
        _("Customer receipts"),
        "accounting:arap_receipts",
        "accounting.view_customerreceipt",
        "cash-coin",
        60,
    ),
    MenuItem(
        "finance",
        _("Supplier payments"),
        "accounting:arap_payments",
        "accounting.view_supplierpayment",
        "credit-card",
        61,
    ),
    MenuItem(
        "finance",
        _("Open items (AR/AP)"),
        "accounting:arap_open_items",
        "accounting.view_openitem",
        "list-check",
        62,
    ),
    MenuItem(
        "finance",
        _("Aging"),
        "accounting:arap_aging",
        "accounting.view_openitem",
        "hourglass-split",
        63,
    ),
    MenuItem(
        "finance",
        _("Partner statements"),
        "accounting:arap_statement",
        "accounting.view_openitem",
        "file-earmark-text",
        64,
    ),
    MenuItem(
        "finance",
        _("AR/AP tie-out"),
        "accounting:arap_tie_out",
        "accounting.view_openitem",
        "check2-all",
        65,
    ),
]
