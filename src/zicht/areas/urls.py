"""Routes of zicht.areas (gebiedscan / wijkanalyse)."""

from django.urls import path

from . import infographic_views, recidive_views, region_views, views

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
    path("regio/", region_views.own_region, name="own_region"),
    path("regio/<slug:code>/", region_views.region, name="region"),
    path("regio/<slug:code>.csv", region_views.region_export, {"fmt": "csv"}, name="region_csv"),
    path("regio/<slug:code>.pdf", region_views.region_factsheet_pdf, name="region_pdf"),
    path("regio/<slug:code>.xlsx", region_views.region_export, {"fmt": "xlsx"}, name="region_xlsx"),
    path("infographic/<str:code>/", infographic_views.gemeente_page, name="infographic"),
    path("infographic/<str:code>.<str:fmt>", infographic_views.gemeente_download, name="infographic_download"),
    path("regio/<slug:code>/infographic/", infographic_views.region_page, name="region_infographic"),
    path("regio/<slug:code>/infographic.<str:fmt>", infographic_views.region_download, name="region_infographic_download"),
    path("regios/beheer/", region_views.manage, name="regions_manage"),
]
