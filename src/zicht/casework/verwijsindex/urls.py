"""Routes of the verwijsindex part (included from ``casework/urls.py``: names stay ``casework:…``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("signalen/", views.signal_list, name="signal_list"),
    path("signalen/nieuw/", views.signal_new, name="signal_new"),
    path("signalen/<int:pk>/", views.signal_detail, name="signal_detail"),
    path("signalen/<int:pk>/intrekken/", views.signal_withdraw, name="signal_withdraw"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_handle, name="inbox_handle"),
]
