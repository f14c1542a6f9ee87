"""URL configuration: one include per app, so each capability owns its routes."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("zicht.site.urls")),
    path("account/", include("zicht.access.urls")),
    path("registratie/", include("zicht.registry.urls")),
    path("koppeling/", include("zicht.linkage.urls")),
    path("casus/", include("zicht.casework.urls")),
    path("gebied/", include("zicht.areas.urls")),
    path("preventie/", include("zicht.prevention.urls")),
    path("kennis/", include("zicht.knowledge.urls")),
    path("buurtregie/", include("zicht.buurtregie.urls")),
    path("api/", include("zicht.api.urls")),
    path("beheer/", admin.site.urls),
]
