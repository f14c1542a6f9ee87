"""Routes of zicht.areas (gebiedscan / wijkanalyse)."""

from django.urls import path

from . import recidive_views, views

app_name = "areas"
urlpatterns = [
    path("", views.gemeente, name="gemeente"),
    path("kaart/", views.kaart, name="map"),
    path("wijk/<str:code>/", views.wijk, name="wijk"),
    path("recidive/", recidive_views.recidive, name="recidive"),
    path("effect/", recidive_views.effect, name="effect"),
    path("factsheet/<str:code>/", views.factsheet, name="factsheet"),
    path("factsheet/<str:code>.pdf", views.factsheet_pdf, name="factsheet_pdf"),
    path("export/<str:code>.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export/<str:code>.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
]
