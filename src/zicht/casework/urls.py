"""Routes of zicht.casework (under /casus/): each part's routes, all under the namespace ``casework``.

The parts' lists are joined into one flat list (not ``include()``d), so every pattern here is a
view with its roles: the authorization tests walk this list.
"""

from django.urls import path

from . import views
from .colour import urls as colour
from .meldcode import urls as meldcode
from .verwijsindex import urls as verwijsindex

app_name = "casework"
urlpatterns = [
    *colour.urlpatterns,
    *verwijsindex.urlpatterns,
    *meldcode.urlpatterns,
    path("regels/", views.rules, name="rules"),
]
