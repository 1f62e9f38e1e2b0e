"""The dashboards' cache (docs/performance.md "Cached dashboards").

A dashboard is the same for everyone who sees the same place: its figures, tables and charts
depend on the period, the scope (county, a township, a village) and the language, never on
the user. So each piece — the latest period, the selector's dict (the page's figures and the
JSON), the rendered tables and charts — is kept in Django's cache under
``(data version, dashboard, piece, period, scope, language)``; only the page around it (menu,
breadcrumbs, the user's name) is rendered per request.

The data version changes whenever a figure can change: every write that can change a
dashboard figure goes through :func:`accountability.dashboards.summaries.changed` (services,
admin, registry loads, survey answers, organization records, inspections, actions, ratings),
which calls :func:`invalidate`; so does ``rebuild_summaries``. Entries of older versions are never read
again and expire. ``DASHBOARD_CACHE_SECONDS`` bounds how long a figure changed behind the
app's back (SQL, ``loaddata``, an admin page that does not go through ``changed``) can stay
on a page.

The version lives in the cache itself, so every app server sharing the cache (a file cache
on one machine, Redis for several: docs/deployment.md) sees a bump at once.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

VERSION_KEY = "dashboards:version"


def _new_version():
    return time.time_ns()


def version():
    """The current data version; a fresh one when the cache lost it (eviction, restart of a
    memory cache), so nothing cached before is read."""
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, _new_version(), timeout=None)
        current = cache.get(VERSION_KEY)
    return current


def _bump():
    cache.set(VERSION_KEY, _new_version(), timeout=None)


def invalidate():
    """Figures changed: every cached dashboard is stale. Bumped at once and again when the
    writer's transaction commits — a page built from the old rows between the two bumps
    (a reader that did not see the write yet) is stored under a version nobody reads."""
    _bump()
    transaction.on_commit(_bump)


def key(current, *parts):
    """A short, ASCII-only key (memcached's rules) for ``parts`` under version ``current``."""
    text = "|".join("-" if part is None else str(part) for part in parts)
    digest = hashlib.sha1(text.encode()).hexdigest()
    return f"dashboards:{current}:{digest}"


def scope_key(scope):
    return (
        scope.township.code if scope.township is not None else None,
        scope.village.code if scope.village is not None else None,
    )


class Pieces:
    """The cached pieces of one dashboard request: ``get(piece, period, build)`` returns the
    cached value or builds, stores and returns it. The version is read once, before any
    figure is read (a write after that bumps it: what we store is never read again)."""

    def __init__(self, dashboard, scope, viewer=()):
        self.dashboard = dashboard
        # ``viewer``: what of the rendered pieces depends on the user beyond the place (the
        # 催报 buttons of those who may send reminders), so viewers differing there never
        # share a piece
        self.scope = (*scope_key(scope), *viewer)
        self.language = get_language()
        self.enabled = settings.DASHBOARD_CACHE_SECONDS > 0
        self.current = version() if self.enabled else None

    def get(self, piece, period, build):
        if not self.enabled:
            return build()
        name = key(self.current, self.dashboard, piece, period, *self.scope, self.language)
        value = cache.get(name)
        if value is None:
            value = build()
            cache.set(name, value, timeout=settings.DASHBOARD_CACHE_SECONDS)
        return value
