"""Site-wide security hooks (issue 14): the client address behind the trusted proxy, login
throttling (django-axes) and its log line, and ``Cache-Control: no-store`` on what a
logged-in user sees."""

import logging

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control

log = logging.getLogger("chishui.security")


def client_ip(request):
    """The address of the browser. Behind the trusted reverse proxy (``DJANGO_TRUSTED_PROXY``
    on, see docs/deployment.md) that is the last ``X-Forwarded-For`` entry, the one nginx
    wrote itself; otherwise, or when the header is missing, ``REMOTE_ADDR``. Anything the
    browser put earlier in the header is ignored, so it cannot choose its own address."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return remote


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login made by a request (the login page, the
    admin's). A login without a request (``Client.login`` in tests, the shell) has no address
    to throttle and goes straight to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def attempt_username(request, credentials=None):
    """The username django-axes counts a login under (``AXES_USERNAME_CALLABLE``): the one
    typed, cut to the length of the failed-attempt record. Django's login form does not check
    the username's length, and a longer one failed the record's insert on PostgreSQL (a 500).
    No account's username is that long (150 characters at most), so nobody shares a counter."""
    data = credentials or getattr(request, "data", request.POST)
    username = data.get("username")
    return username[: AccessAttempt._meta.get_field("username").max_length] if username else username


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (429 Too Many Requests), in the user's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def log_failed_login(sender, credentials, request=None, **kwargs):
    """One warning line per failed login, with the username tried and the address."""
    log.warning(
        "failed login: username=%r ip=%s",
        credentials.get("username", ""),
        client_ip(request) if request is not None else "-",
    )


class NoStoreMiddleware:
    """Nothing a logged-in user sees (pages, exports, evidence files) is kept by the
    browser's or a proxy's cache: ``Cache-Control: no-store`` (with ``private``), so a
    shared office computer's back button or disk cache shows no task, report or export after
    logout. Static files are served by WhiteNoise before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
