"""Routes of zicht.knowledge (under /kennis/)."""

from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("feitencheck/", views.factchecker, name="factcheck"),
    path("<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/wijzigen/", views.edit, name="edit"),
    path("<slug:slug>/geschiedenis/", views.history, name="history"),
]
