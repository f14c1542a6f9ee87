"""Settings for the test suite: zicht.settings with the suite's own throw-away keys.

The suite never runs in demo mode (demo mode is refused on PostgreSQL and with DEBUG off, and
CI runs the suite on PostgreSQL); production code never looks at whether a test runner is
present. These keys are generated for each test process and exist nowhere else.
"""

import base64
import os
import secrets

for _name, _value in {
    "ZICHT_SECRET_KEY": secrets.token_urlsafe(50),
    "ZICHT_FIELD_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    "ZICHT_BSN_HASH_KEY": secrets.token_urlsafe(32),
}.items():
    os.environ.setdefault(_name, _value)

from zicht.settings import *  # noqa: E402,F401,F403

# A per-process cache: test processes must not share a cache with each other or a running server.
if not os.environ.get("ZICHT_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "zicht-tests"}}
# A query per request: the suite's rolled-back ids repeat between tests.
USER_SNAPSHOT_SECONDS = int(os.environ.get("ZICHT_USER_SNAPSHOT_SECONDS", "0"))
# No background warming threads in tests (zicht.areas.warm); tests that need it set "sync".
ZICHT_WARM_AFTER_IMPORT = "off"
