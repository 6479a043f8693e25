from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("export/", views.household_export, name="export"),
    path("new/", views.household_create, name="create"),
    path("template/", views.template_download, name="template"),
    path("import/", views.import_upload, name="import"),
    path("import/<str:token>/", views.import_job, name="import_job"),
    path("<int:pk>/", views.household_detail, name="household"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/income/", views.income_edit, name="income"),
    path("<int:pk>/phone/", views.household_phone_reveal, name="phone_reveal"),
    path("members/<int:pk>/change/", views.member_change, name="member_change"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
]
