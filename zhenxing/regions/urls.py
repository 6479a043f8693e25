from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_home, name="home"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/office-phone", views.office_phone, name="office_phone"),
]
