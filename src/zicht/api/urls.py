"""Routes of zicht.api: version 1 under /api/v1/ (major version in the path, NL API Design Rules)."""

from django.urls import path, re_path

from . import catalogue, plans, views

app_name = "api"
urlpatterns = [
    path("v1/openapi.json", views.OpenAPIView.as_view(), name="openapi"),
    path("schema", views.SchemaRedirectView.as_view(), name="schema"),
    path("schema/", views.SchemaRedirectView.as_view(), name="schema_slash"),
    path("v1/signalen", views.SignalenView.as_view(), name="signalen"),
    path("v1/signalen/<int:pk>", views.SignaalView.as_view(), name="signaal"),
    path("v1/signalen/<int:pk>/intrekken", views.SignaalIntrekkenView.as_view(), name="signaal_intrekken"),
    path("v1/gebieden/<str:code>/cijfers", views.GebiedCijfersView.as_view(), name="gebied_cijfers"),
    path("v1/gebieden/<str:code>/risicoprofiel", views.GebiedRisicoprofielView.as_view(), name="gebied_risicoprofiel"),
    path("v1/regios/<str:code>/cijfers", views.RegioCijfersView.as_view(), name="regio_cijfers"),
    path("v1/catalogus", catalogue.CatalogusView.as_view(), name="catalogus"),
    path("v1/catalogus/<str:slug>", catalogue.InterventieView.as_view(), name="interventie"),
    path("v1/plannen", plans.PlannenView.as_view(), name="plannen"),
    path("v1/plannen/<int:pk>", plans.PlanView.as_view(), name="plan"),
    # Last: any other address under /api/ is a problem+json 404, never Django's HTML page.
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not_found"),
]
