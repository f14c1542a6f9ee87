"""Routes of the Meldcode part (included from ``casework/urls.py``: names stay ``casework:…``)."""

from django.urls import path

from . import quickscan, views

urlpatterns = [
    path("meldcode/", views.meldcode_list, name="meldcode_list"),
    path("meldcode/nieuw/", views.meldcode_new, name="meldcode_new"),
    path("meldcode/<int:pk>/", views.meldcode_case, name="meldcode_case"),
    path("meldcode/<int:pk>/quickscan/", quickscan.quickscan, name="meldcode_quickscan"),
]
