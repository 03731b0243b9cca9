from django.urls import path

from erp.accounting import lists, views
from erp.core.doc_kit.urls import kit_urlpatterns
from erp.core.list_views import ListPage

app_name = "accounting"
# Vouchers: list, detail and transitions from the document kit (erp/accounting/kit.py); the
# keyboard entry page, its line row, print and the action page stay the voucher's own.
urlpatterns = [
    path("vouchers/line-row/", views.voucher_line_row, name="voucher_line_row"),
    *kit_urlpatterns("accounting"),
    path("accounts/", ListPage.as_view(config=lists.ACCOUNTS), name="account_list"),
    path("periods/", views.period_list, name="period_list"),
    path("periods/<int:pk>/", views.period_detail, name="period_detail"),
    path("periods/<int:pk>/<slug:action>/", views.period_action, name="period_action"),
    path("trial-balance/", views.trial_balance, name="trial_balance"),
    path("general-ledger/", views.general_ledger, name="general_ledger"),
    path("detail-ledger/", views.detail_ledger, name="detail_ledger"),
]

from erp.accounting import views_expenses  # noqa: E402

# Expense claims: list, new/edit, line row, detail, print and actions from the document kit
# (kit_expenses.py, mounted above); "my claims" is its own list.
urlpatterns += [
    path("expense-claims/mine/", views_expenses.my_claim_list, name="my_expenseclaim_list"),
]

# Statements, VAT summary and the opening tie-out (views_statements).
from erp.accounting import views_statements  # noqa: E402

urlpatterns += [
    path("balance-sheet/", views_statements.balance_sheet, name="balance_sheet"),
    path("income-statement/", views_statements.income_statement, name="income_statement"),
    path("vat-summary/", views_statements.vat_summary, name="vat_summary"),
    path("opening-tie-out/", views_statements.opening_tie_out, name="opening_tie_out"),
]

# Stock ↔ books: vouchers of a source document (views_stock).
from erp.accounting import views_stock  # noqa: E402

urlpatterns += [
    path("source-vouchers/", views_stock.source_vouchers, name="source_vouchers"),
]

# AR/AP subledgers: open items, receipts/payments, aging, statements, tie-out (views_arap).
from erp.accounting import views_arap  # noqa: E402

urlpatterns += [
    path("arap/open-items/", views_arap.open_item_list, name="arap_open_items"),
    path("arap/<slug:kind>/items/", views_arap.settlement_items, name="arap_items"),
    # Receipts' and payments' list, new, detail, edit, print and action pages come from the
    # document kit (above); these names still reverse to the same addresses.
    path("arap/<slug:kind>/<int:pk>/edit/", views_arap.settlement_form, name="arap_edit"),
    path("arap/<slug:kind>/<int:pk>/print/", views_arap.settlement_print, name="arap_print"),
    path(
        "arap/<slug:kind>/<int:pk>/<slug:action>/",
        views_arap.settlement_action,
        name="arap_action",
    ),
    path("arap/aging/", views_arap.aging_page, name="arap_aging"),
    path("arap/statement/", views_arap.statement_page, name="arap_statement"),
    path("arap/tie-out/", views_arap.tie_out_page, name="arap_tie_out"),
    path("arap/register-vouchers/", views_arap.register_vouchers, name="arap_register"),
]

from erp.accounting import views_month_end  # noqa: E402

urlpatterns += [
    path("periods/<int:pk>/month-end/run/", views_month_end.month_end_run, name="month_end_run"),
    path(
        "periods/<int:pk>/month-end/status/",
        views_month_end.month_end_status_page,
        name="month_end_status",
    ),
]

# Set-up pages (views_setup): posting rules with a preview voucher, expense categories.
from erp.accounting import views_setup  # noqa: E402

urlpatterns += [
    path("posting-rules/", views_setup.posting_rules, name="posting_rules"),
    path("posting-rules/new/", views_setup.posting_rule_form, name="posting_rule_create"),
    path("posting-rules/<int:pk>/", views_setup.posting_rule_form, name="posting_rule_edit"),
    path(
        "posting-rules/<int:pk>/delete/",
        views_setup.posting_rule_delete,
        name="posting_rule_delete",
    ),
    path("expense-categories/", views_setup.expense_categories, name="expense_categories"),
    path(
        "expense-categories/new/",
        views_setup.expense_category_form,
        name="expense_category_create",
    ),
    path(
        "expense-categories/<int:pk>/",
        views_setup.expense_category_form,
        name="expense_category_edit",
    ),
]
