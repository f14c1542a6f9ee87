"""Routes of zicht.registry (under /registry/)."""

from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/nieuw/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.batch_detail, name="batch"),
    path("imports/<int:pk>/afwijzingen.csv", views.batch_rejects_csv, name="batch_rejects_csv"),
    path("record/<int:pk>/", views.record_detail, name="record"),
]
