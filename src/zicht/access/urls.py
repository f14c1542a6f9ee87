"""Login, two-factor step, logout, purpose form, access log and optional OIDC entry points."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "access"


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    redirect_authenticated_user = True


login_view = LoginView.as_view()
login_view.zicht_public = True
logout_view = auth_views.LogoutView.as_view()
logout_view.zicht_public = True  # POST only; ends the session of whoever is signed in

urlpatterns = [
    path("login/", login_view, name="login"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("2fa/instellen/", views.two_factor_setup, name="two_factor_setup"),
    path("reden/", views.reason, name="reason"),
    path("logout/", logout_view, name="logout"),
    path("toegangslog/", views.accesslog, name="accesslog"),
    path("oidc/authenticate/", views.oidc_authenticate, name="oidc_authenticate"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
]
