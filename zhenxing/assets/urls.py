from django.urls import path

from . import views

app_name = "assets"
urlpatterns = [
    path("", views.inventory, name="inventory"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/keepers/", views.keepers, name="keepers"),
    path("register/<int:pk>/", views.register, name="register"),
    path("register/historical/", views.register_historical, name="register_historical"),
]
