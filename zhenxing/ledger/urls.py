from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.home, name="home"),
    path("load-plan/", views.load_plan, name="load_plan"),
    path("import/", views.ledger_import, name="import"),
    path("y/<int:year>/", views.year, name="year"),
    path("y/<int:year>/print/", views.year_print, name="print"),
    path("y/<int:year>/export.xlsx", views.year_export, name="export"),
    path("y/<int:year>/copy/", views.year_copy, name="copy"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("items/", views.item_list, name="items"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/export.xlsx", views.item_export, name="items_export"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("types/", views.type_list, name="types"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("escalations/", views.escalation_list, name="escalations"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/export.xlsx", views.assessment_export, name="assessment_export"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_open, name="notice_open"),
]
