"""Where a form may send the browser after a POST: same-site relative paths only (no open redirect)."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def is_same_site_path(url: str | None) -> bool:
    """True for a relative path on this site ("/x/?y"); False for anything with a scheme or host,
    protocol-relative ("//evil"), backslash tricks ("/\\evil") or control characters."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    if any(ord(ch) < 0x20 or ch == "\\" for ch in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=None)


def safe_next(request, default: str) -> str:
    """The posted (or queried) ``next`` when it is a same-site path, else ``default``."""
    url = request.POST.get("next") or request.GET.get("next")
    return url if is_same_site_path(url) else default
