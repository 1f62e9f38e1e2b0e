"""What an app server's process does once the app is loaded, before its first request:
chishui/wsgi.py calls :func:`ready_to_serve` (so every gunicorn worker does), and the
benchmark serves its pages after the same call (docs/performance.md "The garbage
collector")."""

import gc

from django.urls import get_resolver


def ready_to_serve():
    """Load what the first request would (the URL configuration imports every app's views,
    forms, tables and selectors), then move every object alive to the garbage collector's
    permanent generation (``gc.freeze()``), the remedy Instagram and the Python
    documentation give a long-lived server: the app's hundred thousand-odd objects (modules,
    classes, functions, translations) live as long as the process, yet every full
    collection — about one request in a hundred — walked them all again, 60–70 ms of CPU
    at county scale. Frozen, they are never walked; what a request leaves behind still is."""
    get_resolver().url_patterns  # noqa: B018 - imports every view the URLs name
    gc.collect()
    gc.freeze()
