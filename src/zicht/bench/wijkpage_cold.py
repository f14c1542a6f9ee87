"""The first wijk and gemeente page after an import or a restart: cold, restart and warm, on this database.

``zicht bench wijkpage-cold [--gemeente GM0855] [--wijken 8] [--repeat 20]`` renders the gebiedscan
pages with the Django test client (one process, no web server) as a beleidsmedewerker of the
gemeente, in three states:

- **cold**: nothing cached and no stored repairs: the protected sets of every year are solved
  (what the first page after an import paid before ``zicht.areas.warm``);
- **restart**: a new process (no cube, no page fragments, no in-memory repairs), but the repairs
  stored in ``ProtectedSetRepairs`` (what the first page after a restart, or after an import that
  warmed the sets, pays now);
- **warm**: steady state (in-process cube and page-fragment cache).

The cold run deletes the gemeente's stored repairs first and stores them again (the same rows a
page or ``zicht.areas.warm`` would write). Figures are measured, never asserted in tests.
"""

from __future__ import annotations

import time

READS_REGISTRY = False  # aggregate pages only: no personal data is read


def add_arguments(parser):
    parser.add_argument("--gemeente", default="GM0855")
    parser.add_argument("--wijken", type=int, default=8, help="wijk pages per state")
    parser.add_argument("--repeat", type=int, default=20, help="warm requests per page")


def _p(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000, 1)


def _forget():
    from django.core.cache import cache

    from zicht.areas import data, figures

    cache.clear()
    data.clear_cache()
    with figures._repairs_lock:
        figures._repairs.clear()


def run(options) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from zicht.access import roles
    from zicht.access.models import UserProfile
    from zicht.areas.models import ProtectedSetRepairs
    from zicht.geo.models import Wijk
    from zicht.registry.models import Report

    code = options["gemeente"]
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench-wijkpage-cold")
    user.set_unusable_password()
    user.save()
    UserProfile.objects.update_or_create(user=user, defaults={"role": roles.BELEIDSMEDEWERKER, "gemeente_id": code})
    client = Client()
    client.force_login(user)
    wijken = list(Wijk.objects.filter(gemeente_id=code).values_list("code", flat=True)[: options["wijken"]])
    gemeente_url = reverse("areas:gemeente") + f"?gemeente={code}"
    urls = [gemeente_url] + [reverse("areas:wijk", args=[w]) for w in wijken]

    def get(url) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed

    ProtectedSetRepairs.objects.filter(gemeente_code=code).delete()
    _forget()
    cold_first = get(urls[1] if len(urls) > 1 else urls[0])
    cold_rest = [get(u) for u in urls]
    restart = []
    for u in urls:
        _forget()
        restart.append(get(u))
    warm = [get(u) for _ in range(options["repeat"]) for u in urls]
    return {
        "gemeente": code,
        "reports_in_gemeente": Report.objects.filter(buurt__gemeente_id=code).count(),
        "years": sorted(ProtectedSetRepairs.objects.filter(gemeente_code=code).values_list("jaar", flat=True)),
        "pages": len(urls),
        "cold_first_page_s": round(cold_first, 2),
        "cold_next_pages_p95_ms": _p(cold_rest, 0.95),
        "restart_first_page_p50_ms": _p(restart, 0.5),
        "restart_first_page_p95_ms": _p(restart, 0.95),
        "warm_p50_ms": _p(warm, 0.5),
        "warm_p95_ms": _p(warm, 0.95),
        "warm_requests": len(warm),
        "repairs_build_seconds": {
            y: s for y, s in ProtectedSetRepairs.objects.filter(gemeente_code=code).values_list("jaar", "build_seconds")
        },
    }
