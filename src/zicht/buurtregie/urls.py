"""Routes of zicht.buurtregie (under /buurtregie/)."""

from django.urls import path

from . import setup_views, views

app_name = "buurtregie"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.agenda, name="agenda"),
    path("<int:pk>/weging/<int:match_pk>/", views.weigh, name="weigh"),
    path("<int:pk>/acties/<int:action_pk>/gedaan/", views.action_done, name="action_done"),
    path("<int:pk>/verslag/", views.minutes, name="minutes"),
    path("instellen/", setup_views.manage_index, name="setup"),
    path("instellen/nieuw/", setup_views.create, name="setup_create"),
    path("instellen/<int:pk>/", setup_views.edit, name="setup_edit"),
    path("instellen/<int:pk>/leden/<int:member_pk>/verwijderen/", setup_views.remove_member, name="setup_remove_member"),
]
