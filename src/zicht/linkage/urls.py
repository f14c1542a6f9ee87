"""Routes of zicht.linkage: the review queue, one pair, decisions and their history."""

from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("", views.review_queue, name="review_queue"),
    path("paar/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("paar/<int:pk>/besluit/", views.pair_decide, name="pair_decide"),
    path("besluiten/", views.decision_history, name="decisions"),
    path("besluiten/<int:pk>/terugdraaien/", views.decision_revoke, name="decision_revoke"),
    path("persoon/<int:pk>/losmaken/", views.person_split, name="person_split"),
]
