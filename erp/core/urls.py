from django.urls import path

from erp.core import print_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("settings/company/", views.company, name="company"),
    path("settings/company/edit/", views.company_edit, name="company_edit"),
    path("settings/company/logo/", views.company_logo, name="company_logo"),
    path("print/sample/", print_views.print_sample, name="print_sample"),
]
