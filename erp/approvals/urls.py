from django.urls import path

from erp.approvals import views

app_name = "approvals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mine/", views.mine, name="mine"),
    path("all/", views.request_list, name="request_list"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/decide/", views.request_decide, name="request_decide"),
    path("requests/<int:request_id>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:delegation_id>/end/", views.delegation_end, name="delegation_end"),
    path("notifications/", views.notifications, name="notifications"),
]
