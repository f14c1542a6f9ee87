"""Home page and health check."""

from django.urls import path

from . import language, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("taal/", language.set_language, name="set_language"),
]
