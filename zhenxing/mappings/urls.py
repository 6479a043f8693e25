from django.urls import path

from . import views

app_name = "mappings"
urlpatterns = [
    path("", views.mapping_home, name="home"),
    path("draft/", views.mapping_draft, name="draft"),
    path("import/", views.mapping_import, name="import"),
    path("<int:pk>/export", views.mapping_export, name="export"),
]
