"""Routes of zicht.api: version 1 under /api/v1/ (major version in the path, NL API Design Rules)."""

from django.urls import path

from . import views

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
]
