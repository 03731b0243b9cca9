from django.contrib.auth import views as auth_views
from django.urls import path

from erp.iam import views

app_name = "iam"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    # Django's LogoutView answers only POST (GET is 405), so a link cannot log anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("language/", views.language_set, name="language_set"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/password/", views.user_password, name="user_password"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_form, name="department_create"),
    path("departments/<int:department_id>/", views.department_form, name="department_edit"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/matrix/", views.role_matrix, name="role_matrix"),
    path("roles/matrix/app/", views.role_matrix_section, name="role_matrix_section"),
]
