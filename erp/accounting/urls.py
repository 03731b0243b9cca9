app_name = "accounting"
urlpatterns = []
