"""
WSGI config for chishui project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chishui.settings")

application = get_wsgi_application()

# the app loaded: its objects out of the garbage collector's way (chishui/startup.py)
from chishui.startup import ready_to_serve  # noqa: E402 - needs the settings above

ready_to_serve()
