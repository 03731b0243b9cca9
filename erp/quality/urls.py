from erp.core.doc_kit.urls import kit_urlpatterns

app_name = "quality"
urlpatterns = [*kit_urlpatterns("quality")]
