"""The shared cache for casework's non-personal fragments (counts per colour, wijk choices).

Keys carry a version token that ``recolour`` replaces whenever a colour or worklist changes,
so that the next request of every worker (and after an import in another process) misses and
recomputes. A random token rather than a counter: an evicted counter could restart at a value
that old entries still carry. Nothing personal is stored here; names, addresses and timelines
are always read fresh, per request, behind the access log.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache

VERSION_KEY = "casework:version"
SECONDS = 300


def version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, token, None):
            token = cache.get(VERSION_KEY) or token
    return token


def invalidate() -> None:
    """Called after every recolour that changed something (import, help trajectory, rule set)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def key(*parts) -> str:
    return ":".join(("casework", version(), *(str(p) for p in parts)))


def get_or_build(parts: tuple, build, seconds: int = SECONDS):
    k = key(*parts)
    value = cache.get(k)
    if value is None:
        value = build()
        cache.set(k, value, seconds)
    return value
