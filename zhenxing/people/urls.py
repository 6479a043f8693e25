from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.summary, name="home"),
    path("posts/", views.posts, name="posts"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("holdings/<int:pk>/end/", views.holding_end, name="holding_end"),
    path("workers/<int:pk>/end/", views.worker_end, name="worker_end"),
    path("workshops/<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path("pairings/<int:pk>/edit/", views.pairing_edit, name="pairing_edit"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("points/rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("points/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("workshops/", views.workshops, name="workshops"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop"),
    path("labour/", views.labour, name="labour"),
    path("labour/<int:pk>/", views.labour_edit, name="labour_edit"),
    path("wage/<int:pk>/", views.wage, name="wage"),
    path("pairings/", views.pairings, name="pairings"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre"),
    path("cadres/days/", views.cadre_days, name="cadre_days"),
    path("points/", views.points_home, name="points"),
    path("points/entries/<int:pk>/", views.entry_detail, name="entry"),
    path("points/households/<int:pk>/", views.household_points, name="household_points"),
    path("points/items/<int:pk>/", views.item_detail, name="item"),
    path("lists/", views.powers, name="powers"),
    path("lists/board/", views.board, name="board"),
    path("lists/powers/<int:pk>/", views.power_detail, name="power"),
    path("lists/cases/<int:pk>/", views.case_detail, name="case"),
    path("settings/", views.settings_page, name="settings"),
]
