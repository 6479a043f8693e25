from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("alerts/export.xlsx", views.alert_export, name="alerts_export"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("feeds/", views.feed_list, name="feeds"),
    path("feeds/template/<slug:source>.csv", views.feed_template, name="feed_template"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("rules/", views.ruleset_view, name="rules"),
]
