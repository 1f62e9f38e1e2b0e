"""Reads from a read replica, writes to the primary (docs/deployment.md "Growing past one
database").

With ``DATABASE_REPLICA_URL`` set, settings.py adds a ``replica`` database alias and this
router: reads go to the replica, writes (and ``select_for_update``) to ``default``, the
primary. A replica lags behind its primary, so whoever just wrote must read his own write:

- within one request, the first write pins every later read of that request to the primary
  (and a POST is pinned from its start: a form re-read inside the write transaction);
- across requests, :class:`PinToPrimaryMiddleware` sets a short-lived cookie after a request
  that wrote, and the requests carrying it read from the primary (the page a form redirects
  to shows the new row), for ``REPLICA_PIN_SECONDS``.

Outside a request (management commands), the first write pins the rest of the command.
Without a replica every query goes to ``default`` and nothing changes: a replica is a
settings change, not a code change.
"""

import contextvars

from django.conf import settings

PRIMARY, REPLICA = "default", "replica"
PIN_COOKIE = "db_primary"

_pinned = contextvars.ContextVar("chishui_db_pinned", default=False)
_wrote = contextvars.ContextVar("chishui_db_wrote", default=False)


def has_replica():
    return REPLICA in settings.DATABASES


def pin_to_primary():
    """Read from the primary from now on (in this request, or this command)."""
    _pinned.set(True)


def pinned():
    return _pinned.get()


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if not has_replica() or _pinned.get():
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        _pinned.set(True)
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # the replica gets its schema by replication


class PinToPrimaryMiddleware:
    """Per request: pinned to the primary when the method writes or the request carries the
    pin cookie; after a request that wrote, (re)sets the cookie. Does nothing without a
    replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not has_replica():
            return self.get_response(request)
        pin = request.method not in ("GET", "HEAD", "OPTIONS") or PIN_COOKIE in request.COOKIES
        pinned_token, wrote_token = _pinned.set(pin), _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get():
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=settings.REPLICA_PIN_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
        finally:
            _pinned.reset(pinned_token)
            _wrote.reset(wrote_token)
