"""Profiles in the logic layer: the PIN policy (with its clock injected) and opening a profile."""

from __future__ import annotations

import pytest

from studyapp import srs
from studyapp.store import Store


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "p.sqlite3") as opened:
        yield opened


def test_the_right_pin_opens_and_a_wrong_one_does_not(store):
    kim = store.create_profile("Kim", pin="2580")
    guard = srs.PinGuard(Clock())
    assert guard.unlock(store, kim.id, "0000") == srs.Unlock(False)
    assert guard.unlock(store, kim.id, "2580") == srs.Unlock(True)


def test_five_wrong_pins_in_a_row_lock_the_profile_for_thirty_seconds(store):
    kim = store.create_profile("Kim", pin="2580")
    clock = Clock()
    guard = srs.PinGuard(clock)
    for _ in range(srs.profiles.MAX_FAILURES):
        assert guard.unlock(store, kim.id, "0000") == srs.Unlock(False)  # the fifth says "wrong", and locks
    clock.now += 10
    assert guard.unlock(store, kim.id, "2580") == srs.Unlock(False, 20.0)  # right, but not even checked yet
    clock.now += 20
    assert guard.unlock(store, kim.id, "2580").opened


def test_after_a_lockout_the_count_starts_again(store):
    kim = store.create_profile("Kim", pin="2580")
    clock = Clock()
    guard = srs.PinGuard(clock, max_failures=2, lockout_seconds=5)
    guard.unlock(store, kim.id, "0000")
    guard.unlock(store, kim.id, "0000")
    clock.now += 5
    assert guard.unlock(store, kim.id, "0000") == srs.Unlock(False)  # one wrong after the wait: no lock yet
    assert guard.unlock(store, kim.id, "0000") == srs.Unlock(False)  # the second locks again
    assert guard.unlock(store, kim.id, "2580").wait == 5


def test_a_right_pin_clears_the_count(store):
    kim = store.create_profile("Kim", pin="2580")
    guard = srs.PinGuard(Clock(), max_failures=2)
    guard.unlock(store, kim.id, "0000")
    assert guard.unlock(store, kim.id, "2580").opened
    assert guard.unlock(store, kim.id, "0000") == srs.Unlock(False)  # one wrong PIN, not two in a row
    assert guard.unlock(store, kim.id, "2580").opened


def test_one_profiles_wrong_pins_never_lock_another(store):
    kim = store.create_profile("Kim", pin="2580")
    lee = store.create_profile("Lee", pin="1357")
    guard = srs.PinGuard(Clock(), max_failures=1)
    assert guard.unlock(store, kim.id, "0000") == srs.Unlock(False)
    assert guard.unlock(store, kim.id, "2580").wait is not None
    assert guard.unlock(store, lee.id, "1357").opened


def test_find_profile_and_create_profile(store):
    ann = srs.create_profile(store, "Ann", pin="2468")
    assert srs.find_profile(store, ann.id) == ann and ann.protected
    assert srs.find_profile(store, 999) is None
    with pytest.raises(ValueError):
        srs.create_profile(store, "Ann")
    srs.set_pin(store, ann.id, None)
    assert not srs.find_profile(store, ann.id).protected
