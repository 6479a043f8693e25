from django.urls import path

from . import views, views_toilets

app_name = "village"
urlpatterns = [
    path("", views.index, name="index"),
    path("profiles/<int:pk>/", views.profile, name="profile"),
    path("rules/<int:pk>/", views.rule, name="rule"),
    path("honours/<int:pk>/", views.honour, name="honour"),
    path("toilets/", views_toilets.index, name="toilets"),
    path("toilets/<int:pk>/", views_toilets.toilet, name="toilet"),
    path("rechecks/<int:pk>/", views_toilets.round_detail, name="round"),
    path("environment/", views_toilets.environment, name="environment"),
    path("projects/", views.projects, name="projects"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("talent/", views.talent, name="talent"),
]
