"""Routes of the colour part (included from ``casework/urls.py``: names stay ``casework:…``)."""

from django.urls import path

from . import subject, views

urlpatterns = [
    path("", views.colour_list, name="colour_list"),
    path("export/", views.colour_export, name="colour_export"),
    path("adres/<int:pk>/", subject.address_page, name="address"),
    path("huishouden/<int:pk>/", subject.household_page, name="household"),
    path("hulp/nieuw/", views.help_form, name="help_new"),
    path("hulp/<int:pk>/", views.help_form, name="help_edit"),
    path("werklijsten/", views.worklists, name="worklists"),
    path("werklijsten/<int:pk>/afhandelen/", views.worklist_handle, name="worklist_handle"),
]
