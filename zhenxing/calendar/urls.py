from django.urls import path

from . import views

app_name = "calendar"
urlpatterns = [
    path("", views.calendar_home, name="home"),
    path("days/<int:pk>/delete", views.day_delete, name="day_delete"),
]
