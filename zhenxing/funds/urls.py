from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.figures, name="figures"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/transition/", views.project_transition, name="project_transition"),
    path("projects/<int:pk>/payments/", views.project_payment, name="project_payment"),
    path("projects/<int:pk>/beneficiaries/", views.project_beneficiary, name="project_beneficiary"),
    path("allocations/", views.allocation_list, name="allocations"),
    path("allocations/<int:pk>/", views.allocation_detail, name="allocation"),
    path("payments/export/", views.payment_export, name="payment_export"),
    path("leakage/", views.leakage_list, name="leakage"),
    path("leakage/<int:pk>/", views.finding_action, name="finding"),
    path("disclosures/", views.disclosure_list, name="disclosures"),
    path("loans/", views.loan_list, name="loans"),
    path("loans/new/", views.loan_new, name="loan_new"),
    path("loans/<int:pk>/", views.loan_detail, name="loan"),
    path("templates/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("parameters/", views.parameters, name="parameters"),
    path("staff-identities/", views.staff_identities, name="staff_identities"),
]
