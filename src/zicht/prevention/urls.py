"""Routes of zicht.prevention."""

from django.urls import path  # noqa: F401

app_name = "prevention"
urlpatterns: list = []
