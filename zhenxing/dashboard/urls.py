from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("refresh/", views.refresh, name="refresh"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/docx/", views.report_download, {"fmt": "docx"}, name="report_docx"),
    path("reports/<int:pk>/pdf/", views.report_download, {"fmt": "pdf"}, name="report_pdf"),
    path("reports/<int:pk>/xlsx/", views.report_download, {"fmt": "xlsx"}, name="report_xlsx"),
    path("<str:code>/", views.region, name="region"),
    path("<str:code>/figure/", views.figure, name="figure"),
]
