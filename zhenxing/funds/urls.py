from django.urls import path

from .views import allocations, figures, loans, oversight, projects, setup

app_name = "funds"
urlpatterns = [
    path("", figures.figures, name="figures"),
    path("projects/", projects.project_list, name="projects"),
    path("projects/new/", projects.project_new, name="project_new"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/transition/", projects.project_transition, name="project_transition"),
    path("projects/<int:pk>/payments/", projects.project_payment, name="project_payment"),
    path("projects/<int:pk>/beneficiaries/", projects.project_beneficiary, name="project_beneficiary"),
    path("allocations/", allocations.allocation_list, name="allocations"),
    path("allocations/<int:pk>/", allocations.allocation_detail, name="allocation"),
    path("payments/export/", allocations.payment_export, name="payment_export"),
    path("leakage/", oversight.leakage_list, name="leakage"),
    path("leakage/<int:pk>/", oversight.finding_action, name="finding"),
    path("disclosures/", oversight.disclosure_list, name="disclosures"),
    path("loans/", loans.loan_list, name="loans"),
    path("loans/new/", loans.loan_new, name="loan_new"),
    path("loans/<int:pk>/", loans.loan_detail, name="loan"),
    path("templates/<str:kind>.xlsx", setup.import_template, name="import_template"),
    path("parameters/", setup.parameters, name="parameters"),
    path("staff-identities/", setup.staff_identities, name="staff_identities"),
]
