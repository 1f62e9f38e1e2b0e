"""The pages' cache (docs/performance.md "Cache what is the same for everyone").

A page's figures, tables and charts depend on what it shows (the period or year, the place,
the language and, for some pieces, the viewer's rights), not on who asks. So each piece — the
latest period, a selector's dict (the page's figures and its JSON), the rendered tables and
charts — is kept in Django's cache under ``(data version, page, piece, period, place,
language)``; only the page around it (menu, breadcrumbs, the user's name, the CSRF token) is
rendered per request.

One data version serves every cached page of both apps: every write that can change a
cached figure calls :func:`invalidate` — accountability's ``summaries.changed`` (its
services, admin and registry loads), villages' own writes (survey answers and rounds,
outreach and outcomes, organization records, registry loads, the admin of villages' models).
Entries of older versions are never read again and expire.

The headline rates (villages/headline.py: one pass over every household) are kept under a
second version, the households version (:func:`households_version`), which
:func:`invalidate` bumps too — unless the writer says ``households=False``: only writers
whose rows cannot change the headline's inputs do (``summaries.changed`` for rows of
accountability's models alone — weekly reports, tasks, oversight rows — which villages'
tables never refer to). So a weekly report rebuilds a dashboard's page without the pass
over the households; a household, a return to poverty, a township's statistics or any
other write rebuilds both. ``DASHBOARD_CACHE_SECONDS`` bounds
how long a figure changed behind the app's back (SQL, ``loaddata``) can stay on a page.

The version lives in the cache itself, so every app server sharing the cache (a file cache
on one machine, Redis for several: docs/deployment.md) sees a bump at once.
"""

import contextvars
import hashlib
import pickle
import time
import zlib
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.utils.translation import get_language

# The key predates the villages pages' use of it: the dashboards' cache kept it first.
VERSION_KEY = "dashboards:version"
# The headline's inputs (households, returns to poverty, statistics, places): see above.
HOUSEHOLDS_VERSION_KEY = "dashboards:households-version"

# Inside ``held()``: a list whose items say whether an invalidation is pending and whether
# it includes the households version.
_held = contextvars.ContextVar("chishui_cache_held", default=None)


def _new_version():
    return time.time_ns()


def _current(name):
    current = cache.get(name)
    if current is None:
        cache.add(name, _new_version(), timeout=None)
        current = cache.get(name)
    return current


def version():
    """The current data version; a fresh one when the cache lost it (eviction, restart of a
    memory cache), so nothing cached before is read."""
    return _current(VERSION_KEY)


def households_version():
    """The current version of the headline's inputs (households, returns to poverty,
    statistics, places); a fresh one when the cache lost it."""
    return _current(HOUSEHOLDS_VERSION_KEY)


def _bump(households=True):
    if households:
        cache.set(HOUSEHOLDS_VERSION_KEY, _new_version(), timeout=None)
    cache.set(VERSION_KEY, _new_version(), timeout=None)


def invalidate(households=True):
    """Figures changed: every cached page is stale. Bumped at once and again when the
    writer's transaction commits — a page built from the old rows between the two bumps
    (a reader that did not see the write yet) is stored under a version nobody reads.
    Inside ``held()`` the bumps wait for the end of the block.

    ``households=False`` leaves the cached headline (the households version) in place: only
    for writers whose rows cannot change its inputs (see the module docstring). By default
    everything is stale."""
    pending = _held.get()
    if pending is not None:
        pending[0] = True
        pending[1] = pending[1] or households
        return
    _bump(households)
    transaction.on_commit(lambda: _bump(households))


@contextmanager
def held():
    """Writes inside the block invalidate once, when it ends (however it ends), not once
    each: for a build of thousands of writes (``manage.py demo``), where each bump of a file
    cache is a file written. Open the block around the writer's transaction, so that the
    bump at its end follows the commit. A block inside another one leaves it to the outer."""
    if _held.get() is not None:
        yield
        return
    pending = [False, False]
    token = _held.set(pending)
    try:
        yield
    finally:
        _held.reset(token)
        if pending[0]:
            invalidate(households=pending[1])


def key(current, *parts):
    """A short, ASCII-only key (memcached's rules) for ``parts`` under version ``current``."""
    text = "|".join("-" if part is None else str(part) for part in parts)
    digest = hashlib.sha1(text.encode()).hexdigest()
    return f"dashboards:{current}:{digest}"


def enabled():
    """Whether pages are cached at all (``DASHBOARD_CACHE_SECONDS`` above 0)."""
    return settings.DASHBOARD_CACHE_SECONDS > 0


def kept(current, parts, build):
    """The value kept under ``parts`` of version ``current``, or ``build()``'s, stored there
    for ``DASHBOARD_CACHE_SECONDS``. ``current`` None (caching off): built every time."""
    if current is None:
        return build()
    name = key(current, *parts)
    value = cache.get(name)
    if value is None:
        value = build()
        cache.set(name, value, timeout=settings.DASHBOARD_CACHE_SECONDS)
    return value


class Pieces:
    """The cached pieces of one page request: ``get(piece, period, build)`` returns the
    cached value or builds, stores and returns it. The version is read once, before any
    figure is read (a write after that bumps it: what we store is never read again).

    ``page`` names the page; ``place`` is a tuple naming what it shows beyond the period
    (township and village codes); ``viewer`` what of the rendered pieces depends on the user
    beyond the place, so viewers differing there never share a piece."""

    def __init__(self, page, place=(), viewer=()):
        self.page = page
        self.place = (*place, *viewer)
        self.language = get_language()
        self.current = version() if enabled() else None

    def get(self, piece, period, build):
        return kept(self.current, (self.page, piece, period, *self.place, self.language), build)


class FileCache(FileBasedCache):
    """Django's file cache (the default of settings.py), with two costs of every write cut —
    a first build after a write stores two or three pieces (docs/performance.md "The file
    cache"):

    - Django lists the whole directory before every write, to cull it when it holds
      ``MAX_ENTRIES`` files. Every version bump leaves the pieces of the old version behind
      until they expire or are culled, so a server's directory holds thousands of files,
      up to ``MAX_ENTRIES`` (20,000: a listing of 18 ms). Here a process lists it on its
      first write and then every ``cull_every``-th: the directory may grow past
      ``MAX_ENTRIES`` by at most ``cull_every - 1`` files a process before it is culled,
      as Django culls it.
    - The pieces are compressed at zlib's level 1 instead of its default 6: a quarter of
      the CPU for files a quarter larger (a weekly page's dict and body, 71 KB pickled:
      0.6 → 0.16 ms, 10 → 12.6 KB). The file's format is Django's: zlib reads any
      level, so the directory stays readable by Django's own backend and back.
    """

    compress_level = 1
    cull_every = 50

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._writes = 0

    def _write_content(self, file, timeout, value):
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), self.compress_level))

    def _cull(self):
        self._writes += 1
        if (self._writes - 1) % self.cull_every == 0:
            super()._cull()
