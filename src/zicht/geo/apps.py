from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "zicht.geo"
    label = "geo"
