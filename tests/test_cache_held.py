"""``chishui.cache.held()``: the writes of a block invalidate the cached pages once, at its
end (the demo build's ~1,300 writes: one bump instead of one each)."""

import pytest

from chishui import cache

pytestmark = pytest.mark.django_db  # invalidate() registers its second bump on commit


@pytest.fixture
def bumps(monkeypatch):
    """Every bump of the data version, in order."""
    made = []
    original = cache._bump

    def counted(households=True):
        made.append(households)
        original(households)

    monkeypatch.setattr(cache, "_bump", counted)
    return made


def test_writes_inside_the_block_bump_once_when_it_ends_and_again_on_commit(
    bumps, django_capture_on_commit_callbacks
):
    first = cache.version()
    with django_capture_on_commit_callbacks(execute=True):
        with cache.held():
            for _write in range(3):
                cache.invalidate()
            assert cache.version() == first and bumps == []
        after_block = cache.version()
        assert after_block != first and len(bumps) == 1
    assert cache.version() != after_block and len(bumps) == 2


def test_a_block_without_writes_bumps_nothing(bumps):
    first = cache.version()
    with cache.held():
        pass
    assert cache.version() == first and bumps == []


def test_an_inner_block_leaves_the_bump_to_the_outer_one(bumps):
    with cache.held():
        with cache.held():
            cache.invalidate()
        assert bumps == []
    assert len(bumps) == 1


def test_a_block_that_fails_still_invalidates(bumps):
    first = cache.version()
    with pytest.raises(RuntimeError), cache.held():
        cache.invalidate()
        raise RuntimeError("the writer failed after writing")
    assert cache.version() != first and len(bumps) == 1


def test_outside_a_block_each_write_bumps(bumps):
    cache.invalidate()
    cache.invalidate()
    assert len(bumps) == 2


def test_a_block_of_writes_that_leave_the_headline_keeps_the_households_version(bumps):
    households = cache.households_version()
    with cache.held():
        cache.invalidate(households=False)
        cache.invalidate(households=False)
    assert bumps == [False]
    assert cache.households_version() == households


def test_one_write_of_the_headline_inputs_in_a_block_bumps_the_households_version(bumps):
    households, first = cache.households_version(), cache.version()
    with cache.held():
        cache.invalidate(households=False)
        cache.invalidate()
        cache.invalidate(households=False)
    assert bumps == [True]
    assert cache.households_version() != households and cache.version() != first
