from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("locks/address/", views.address_unlock, name="address_unlock"),
    path("users/<int:pk>/toggle-active/", views.user_toggle_active, name="user_toggle_active"),
]
