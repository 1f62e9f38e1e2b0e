"""The dashboards' cache (docs/performance.md "Cached dashboards").

A dashboard is the same for everyone who sees the same place: its figures, tables and charts
depend on the period, the scope (county, a township, a village) and the language, never on
the user. So each piece — the latest period, the page's piece (the figures it shows around
its body and the rendered tables and charts: views._page), the selector's whole dict for
the JSON — is kept in Django's cache under
``(data version, dashboard, piece, period, scope, language)``; only the page around it (menu,
breadcrumbs, the user's name) is rendered per request.

The generic part — the data version kept in the cache, :func:`invalidate`, :func:`key` and
the get-or-build of pieces — is shared with villages' pages in ``chishui/cache.py``; every
write that can change a dashboard figure goes through
:func:`accountability.dashboards.summaries.changed` (services, admin, registry loads, survey
answers, organization records, inspections, actions, ratings), which calls
:func:`invalidate`; so does ``rebuild_summaries``.
"""

from chishui import cache as shared
from chishui.cache import VERSION_KEY, invalidate, key, version

__all__ = ["VERSION_KEY", "Pieces", "invalidate", "key", "scope_key", "version"]


def scope_key(scope):
    return (
        scope.township.code if scope.township is not None else None,
        scope.village.code if scope.village is not None else None,
    )


class Pieces(shared.Pieces):
    """A dashboard's pieces for ``scope``; ``viewer``: what of the rendered pieces depends
    on the user beyond the place (the 催报 buttons of those who may send reminders, the task
    links he may open), so viewers differing there never share a piece."""

    def __init__(self, dashboard, scope, viewer=()):
        super().__init__(dashboard, scope_key(scope), viewer)
