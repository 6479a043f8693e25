from django.urls import path

from . import views

app_name = "collective"
urlpatterns = [
    path("", views.index, name="index"),
    path("register/", views.register, name="register"),
    path("<int:pk>/", views.org, name="org"),
    path("members/<int:pk>/", views.member, name="member"),
    path("households/<int:pk>/", views.household, name="household"),
    path("contracts/<int:pk>/", views.contract, name="contract"),
    path("distributions/<int:pk>/", views.distribution, name="distribution"),
]
