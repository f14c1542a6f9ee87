"""Routes of zicht.buurtregie (under /buurtregie/)."""

from django.urls import path

from . import views

app_name = "buurtregie"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.agenda, name="agenda"),
    path("<int:pk>/weging/<int:match_pk>/", views.weigh, name="weigh"),
    path("<int:pk>/acties/<int:action_pk>/gedaan/", views.action_done, name="action_done"),
    path("<int:pk>/verslag/", views.minutes, name="minutes"),
]
