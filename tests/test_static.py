"""Every asset is served by the app (county networks are often offline): plotly from the
installed package, its zh-CN locale from static/vendor, one charts.js; no page shell refers
to an outside URL."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import plotly
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.test import RequestFactory

BASE_DIR = Path(settings.BASE_DIR)
EXTERNAL_URL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)
SHELL_TEMPLATES = [
    "base.html",
    "charts_assets.html",
    "nav.html",
    "language_switcher.html",
    "registration/login.html",
    "no_role.html",
    "400.html",
    "403.html",
    "404.html",
    "500.html",
]


@pytest.mark.parametrize(
    "path",
    ["plotly/plotly.min.js", "vendor/plotly-locale-zh-cn.js", "js/charts.js", "css/site.css", "favicon.svg"],
)
def test_static_finders_locate_asset(path):
    assert finders.find(path), f"{path} is not found by the static files finders"


def test_plotly_is_served_from_the_installed_package():
    found = Path(finders.find("plotly/plotly.min.js")).resolve()

    assert found == (Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js")


def test_zh_cn_locale_registers_with_plotly():
    text = Path(finders.find("vendor/plotly-locale-zh-cn.js")).read_text(encoding="utf-8")

    assert "name: 'zh-CN'" in text
    assert "Plotly.register(locale)" in text
    assert "'Autoscale': '自动缩放'" in text
    assert "plotly.js-locales@3.7.0" in text
    assert "plotly.js-locales" in (BASE_DIR / "static" / "vendor" / "README.md").read_text(encoding="utf-8")


def test_charts_js_renders_every_figure_in_the_page_language():
    text = Path(finders.find("js/charts.js")).read_text(encoding="utf-8")

    assert 'script[type="application/json"].plotly-figure' in text
    assert "data-target" in text
    assert "Plotly.newPlot(" in text
    assert '"zh-CN"' in text and "displaylogo: false" in text and "responsive: true" in text


def test_charts_assets_load_plotly_then_locale_then_charts():
    html = render_to_string("charts_assets.html")

    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources == [
        static("plotly/plotly.min.js"),
        static("vendor/plotly-locale-zh-cn.js"),
        static("js/charts.js"),
    ]


@pytest.mark.parametrize("name", SHELL_TEMPLATES)
def test_page_shell_template_refers_to_no_outside_url(name):
    source = Path(get_template(name).origin.name).read_text(encoding="utf-8")

    assert not EXTERNAL_URL.search(source), EXTERNAL_URL.search(source)


def test_rendered_base_page_refers_to_no_outside_url(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = render_to_string("registration/login.html", {"form": None}, request=request)
    html += render_to_string("charts_assets.html")

    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", html)


@pytest.mark.parametrize("path", ["css/site.css", "js/charts.js"])
def test_own_assets_load_nothing_from_outside(path):
    text = Path(finders.find(path)).read_text(encoding="utf-8")

    assert "@import" not in text
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text)
    assert "fetch(" not in text


def test_stylesheet_is_mobile_first_with_print_rules_and_chinese_fonts():
    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")

    assert "@media print" in css
    assert ".no-print" in css.split("@media print", 1)[1]
    assert "overflow-x: auto" in css
    assert ".errorlist" in css
    assert '"Noto Sans CJK SC"' in css and '"Microsoft YaHei"' in css
    assert "max-width" not in re.findall(r"@media \(([^)]*)\)", css)[0], "mobile first: min-width queries"


def test_production_collectstatic_builds_the_manifest(tmp_path):
    """With DEBUG off, WhiteNoise's manifest storage must process every asset (a broken
    url() in a stylesheet would stop the deployment)."""
    code = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.test.utils import override_settings\n"
        f"with override_settings(STATIC_ROOT={str(tmp_path)!r}):\n"
        "    call_command('collectstatic', interactive=False, verbosity=0)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="chishui.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="sanding.chishui.example.cn",
    )

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for path in ["plotly/plotly.min.js", "vendor/plotly-locale-zh-cn.js", "js/charts.js", "css/site.css"]:
        assert path in manifest
        assert (tmp_path / manifest[path]).exists()
        assert (tmp_path / f"{manifest[path]}.gz").exists()
