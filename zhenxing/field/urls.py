from django.urls import path

from . import views

app_name = "field"

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
]
