from django.urls import path

from erp.accounting import lists, views
from erp.core.list_views import ListPage

app_name = "accounting"
urlpatterns = [
    path("vouchers/", ListPage.as_view(config=lists.VOUCHERS), name="voucher_list"),
    path("vouchers/new/", views.voucher_entry, name="voucher_create"),
    path("vouchers/line-row/", views.voucher_line_row, name="voucher_line_row"),
    path("vouchers/<int:pk>/", views.voucher_detail, name="voucher_detail"),
    path("vouchers/<int:pk>/edit/", views.voucher_entry, name="voucher_edit"),
    path("vouchers/<int:pk>/print/", views.voucher_print, name="voucher_print"),
    path("vouchers/<int:pk>/<slug:action>/", views.voucher_action, name="voucher_action"),
    path("accounts/", ListPage.as_view(config=lists.ACCOUNTS), name="account_list"),
    path("periods/", views.period_list, name="period_list"),
    path("periods/<int:pk>/", views.period_detail, name="period_detail"),
    path("periods/<int:pk>/<slug:action>/", views.period_action, name="period_action"),
    path("trial-balance/", views.trial_balance, name="trial_balance"),
    path("general-ledger/", views.general_ledger, name="general_ledger"),
    path("detail-ledger/", views.detail_ledger, name="detail_ledger"),
]
