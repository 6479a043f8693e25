from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/", views.case_act, name="act"),
    path("<int:pk>/helper/", views.case_helper, name="helper"),
    path("<int:pk>/measures/", views.case_measure, name="measure_add"),
    path("<int:pk>/evidence/", views.case_evidence, name="evidence_add"),
    path("<int:pk>/visit/", views.case_visit, name="visit"),
    path("measures/<int:pk>/status/", views.measure_status, name="measure_status"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("postings/", views.posting_index, name="postings"),
    path("postings/<str:code>/", views.posting_page, name="posting"),
    path("standards/", views.standard_list, name="standards"),
    path("helpers/", views.helper_list, name="helpers"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
]
