"""The app installs on a phone's home screen: a web app manifest (static/manifest.webmanifest)
served with its own content type, 192 and 512 pixel PNG icons, linked from every page with
the theme colour; the pages' scripts are files (the CSP allows no inline script)."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test import RequestFactory
from PIL import Image

MANIFEST = "manifest.webmanifest"


def manifest():
    return json.loads(Path(finders.find(MANIFEST)).read_text(encoding="utf-8"))


def test_manifest_names_the_app_and_opens_it_at_the_start_page():
    data = manifest()
    assert data["name"] == "赤水市三定责任管理" and data["short_name"]
    assert (data["start_url"], data["scope"], data["display"]) == ("/", "/", "standalone")
    assert data["theme_color"] == "#b3261e"


def test_manifest_icons_are_pngs_of_their_declared_sizes():
    icons = manifest()["icons"]
    assert {icon["sizes"] for icon in icons} >= {"192x192", "512x512"}
    assert {icon["purpose"] for icon in icons} == {"any", "maskable"}
    for icon in icons:
        # relative to the manifest's own URL, so they follow it wherever static files live
        path = finders.find(icon["src"])
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG" and icon["type"] == "image/png"
            assert "x".join(map(str, image.size)) == icon["sizes"]


@pytest.mark.django_db
def test_manifest_is_served_as_application_manifest_json(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get(f"/static/{MANIFEST}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert json.loads(b"".join(response.streaming_content))["short_name"] == manifest()["short_name"]


def test_every_page_links_the_manifest_and_the_theme_colour(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = render_to_string("registration/login.html", {"form": None}, request=request)
    assert f'<link rel="manifest" href="{static(MANIFEST)}">' in html
    assert f'<meta name="theme-color" content="{manifest()["theme_color"]}">' in html


@pytest.mark.parametrize("name", ["accountability/task_list.html", "accountability/task_detail.html"])
def test_task_pages_have_no_inline_script(name):
    source = (Path(settings.BASE_DIR) / "templates" / name).read_text(encoding="utf-8")
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", source) == []
