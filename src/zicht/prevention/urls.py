"""Routes of zicht.prevention (under /preventie/)."""

from django.urls import path

from . import orgmap_views, views

app_name = "prevention"
urlpatterns = [
    path("", views.index, name="index"),
    path("catalogus/", views.catalogue, name="catalogue"),
    path("catalogus/nieuw/", views.intervention_edit, name="intervention_add"),
    path("catalogus/import/", views.catalogue_import, name="catalogue_import"),
    path("catalogus/<slug:slug>/", views.intervention_detail, name="intervention"),
    path("catalogus/<slug:slug>/wijzigen/", views.intervention_edit, name="intervention_edit"),
    path("organisaties/", views.organisations, name="organisations"),
    path("organisaties/meldcode/", orgmap_views.meldcode_map, name="meldcode_map"),
    path("organisaties/meldcode/import/", orgmap_views.meldcode_import, name="meldcode_import"),
    path("organisaties/<slug:code>/", views.organisation_edit, name="organisation_edit"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/regio/", orgmap_views.matrix_region, name="matrix_region"),
    path("matrix/opslaan/", views.matrix_save, name="matrix_save"),
    path("matrix/herstellen/", views.matrix_reset, name="matrix_reset"),
    path("plannen/", views.plans, name="plans"),
    path("plannen/nieuw/", views.plan_create, name="plan_create"),
    path("plannen/nieuw-regionaal/", views.plan_create_regional, name="plan_create_regional"),
    path("plannen/<int:pk>/", views.plan_detail, name="plan"),
    path("plannen/<int:pk>/teksten/", views.plan_sections, name="plan_sections"),
    path("plannen/<int:pk>/suggestie/", views.plan_add_suggestion, name="plan_add_suggestion"),
    path("plannen/<int:pk>/regel/", views.plan_line, name="plan_line_add"),
    path("plannen/<int:pk>/regel/<int:line_id>/", views.plan_line, name="plan_line"),
    path("plannen/<int:pk>/regel/<int:line_id>/verwijderen/", views.plan_line_delete, name="plan_line_delete"),
    path("plannen/<int:pk>/indicator/", views.plan_indicator, name="plan_indicator"),
    path("plannen/<int:pk>/indicator/<int:indicator_id>/meting/", views.plan_indicator_meting, name="plan_indicator_meting"),
    path("plannen/<int:pk>/indicator/<int:indicator_id>/verwijderen/", views.plan_indicator_delete, name="plan_indicator_delete"),
    path("plannen/<int:pk>/versie/", views.plan_save_version, name="plan_save_version"),
    path("plannen/<int:pk>/versie/<int:nummer>/", views.plan_version, name="plan_version"),
    path("plannen/<int:pk>/versie/<int:nummer>/<str:fmt>/", views.plan_version_export, name="plan_version_export"),
    path("plannen/<int:pk>/export/<str:fmt>/", views.plan_export, name="plan_export"),
]
