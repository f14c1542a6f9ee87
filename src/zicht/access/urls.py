"""Login and logout."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="access/login.html", redirect_authenticated_user=True), name="login"),
    path("reden/", views.reason, name="reason"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
