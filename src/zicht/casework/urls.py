"""Routes of zicht.casework (under /casus/)."""

from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("", views.colour_list, name="colour_list"),
    path("export/", views.colour_export, name="colour_export"),
    path("adres/<int:pk>/", views.address_page, name="address"),
    path("huishouden/<int:pk>/", views.household_page, name="household"),
    path("hulp/nieuw/", views.help_form, name="help_new"),
    path("hulp/<int:pk>/", views.help_form, name="help_edit"),
    path("werklijsten/", views.worklists, name="worklists"),
    path("werklijsten/<int:pk>/afhandelen/", views.worklist_handle, name="worklist_handle"),
    path("signalen/", views.signal_list, name="signal_list"),
    path("signalen/nieuw/", views.signal_new, name="signal_new"),
    path("signalen/<int:pk>/", views.signal_detail, name="signal_detail"),
    path("signalen/<int:pk>/intrekken/", views.signal_withdraw, name="signal_withdraw"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_handle, name="inbox_handle"),
    path("meldcode/", views.meldcode_list, name="meldcode_list"),
    path("meldcode/nieuw/", views.meldcode_new, name="meldcode_new"),
    path("meldcode/<int:pk>/", views.meldcode_case, name="meldcode_case"),
    path("regels/", views.rules, name="rules"),
]
