"""The file cache of settings.py (chishui.cache.FileCache): Django's file cache, compressed
at zlib's level 1 and listing its directory once every ``cull_every`` writes of a process
instead of before every write (docs/performance.md "The file cache"); and the start-up of
an app server's process (chishui/startup.py), which chishui/wsgi.py calls."""

import gc
import pickle
import runpy
import sys
import zlib
from unittest import mock

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from chishui.cache import FileCache
from tests.test_settings import load_settings


def caches(directory, **options):
    params = {"OPTIONS": options}
    return FileCache(str(directory), params), FileBasedCache(str(directory), params)


def test_settings_use_it_unless_redis_is_configured():
    assert load_settings()["CACHES"]["default"]["BACKEND"] == "chishui.cache.FileCache"
    redis = load_settings(DJANGO_REDIS_URL="redis://127.0.0.1:6379/0")["CACHES"]["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.parametrize(
    "value", [{"units": [{"name": "天台镇", "reported": 12}] * 50}, "<table>…</table>", 0]
)
def test_its_files_are_djangos_both_ways(tmp_path, value):
    """Same file format: Django's own backend reads what it writes and the other way round,
    so switching backends never needs the directory emptied."""
    ours, djangos = caches(tmp_path)
    ours.set("ours", value, timeout=60)
    djangos.set("djangos", value, timeout=60)
    assert djangos.get("ours") == value
    assert ours.get("djangos") == value
    assert ours.get("ours") == value


def test_it_compresses_at_level_one(tmp_path):
    ours, _ = caches(tmp_path)
    value = {"rows": [[i, f"任务 {i}", i * 1.5] for i in range(500)]}
    ours.set("key", value, timeout=None)
    with open(ours._key_to_file("key"), "rb") as file:
        assert pickle.load(file) is None  # the expiry: never
        stored = file.read()
    assert stored == zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)
    assert len(stored) != len(zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)))


def test_it_lists_its_directory_once_every_cull_every_writes(tmp_path):
    ours, _ = caches(tmp_path, MAX_ENTRIES=10_000)
    ours.cull_every = 10
    with mock.patch.object(ours, "_list_cache_files", wraps=ours._list_cache_files) as listing:
        for n in range(35):
            ours.set(f"key-{n}", n)
    assert listing.call_count == 4  # before writes 1, 11, 21, 31
    assert all(ours.get(f"key-{n}") == n for n in range(35))


def test_it_still_culls_within_cull_every_of_max_entries(tmp_path):
    max_entries, cull_every = 10, 5
    ours, _ = caches(tmp_path, MAX_ENTRIES=max_entries, CULL_FREQUENCY=3)
    ours.cull_every = cull_every
    sizes = []
    for n in range(100):
        ours.set(f"key-{n}", n)
        sizes.append(len(ours._list_cache_files()))
    assert max(sizes) == max_entries + cull_every
    assert sizes[-1] <= max_entries + cull_every
    # without culling it would hold all hundred
    assert len(ours._list_cache_files()) < 100


def test_the_wsgi_module_makes_the_app_ready_to_serve():
    with mock.patch("chishui.startup.ready_to_serve") as ready:
        namespace = runpy.run_module("chishui.wsgi")
    ready.assert_called_once_with()
    assert callable(namespace["application"])


def test_ready_to_serve_loads_the_views_and_freezes_what_is_alive():
    from chishui.startup import ready_to_serve

    try:
        ready_to_serve()
        assert gc.get_freeze_count() > 0
        assert "accountability.dashboards.views" in sys.modules
    finally:
        gc.unfreeze()
