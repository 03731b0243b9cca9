from django.urls import path

from erp.core.list_views import ListPage
from erp.masterdata import lists

app_name = "masterdata"
urlpatterns = [
    path("materials/", ListPage.as_view(config=lists.MATERIALS), name="material_list"),
]
