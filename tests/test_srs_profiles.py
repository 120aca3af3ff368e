"""Profiles in the logic layer: the PIN policy (with its clock injected) and opening a profile.

The policy: wrong PINs slow down whoever guesses (a browser session, an address), never the
owner typing the right PIN elsewhere; a PIN is set or changed only with the current one, or
by the session that created the profile."""

from __future__ import annotations

import pytest

from studyapp import srs
from studyapp.store import Store

ME = ("session:me",)
THIEF = ("session:thief",)


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
    assert guard.unlock(store, kim.id, "0000", guesser=ME) == srs.Unlock(False)
    assert guard.unlock(store, kim.id, "2580", guesser=ME) == srs.Unlock(True)


def test_five_wrong_pins_in_a_row_make_the_guesser_wait_thirty_seconds(store):
    kim = store.create_profile("Kim", pin="2580")
    clock = Clock()
    guard = srs.PinGuard(clock)
    for _ in range(srs.profiles.MAX_FAILURES):
        assert guard.unlock(store, kim.id, "0000", guesser=THIEF) == srs.Unlock(False)  # the fifth locks
    clock.now += 10
    assert guard.unlock(store, kim.id, "2580", guesser=THIEF) == srs.Unlock(False, 20.0)  # not even checked
    assert guard.wait(store, kim.id, guesser=THIEF) == 20.0
    clock.now += 20
    assert guard.unlock(store, kim.id, "2580", guesser=THIEF).opened


def test_the_owner_is_never_locked_out_by_someone_elses_guesses(store):
    kim = store.create_profile("Kim", pin="2580")
    guard = srs.PinGuard(Clock())
    for _ in range(3 * srs.profiles.MAX_FAILURES):
        assert not guard.unlock(store, kim.id, "0000", guesser=THIEF).opened
    assert guard.unlock(store, kim.id, "0000", guesser=THIEF).wait is not None
    assert guard.wait(store, kim.id, guesser=ME) is None
    assert guard.unlock(store, kim.id, "2580", guesser=ME) == srs.Unlock(True)


def test_each_lockout_doubles_the_wait_up_to_the_cap(store):
    kim = store.create_profile("Kim", pin="2580")
    clock = Clock()
    guard = srs.PinGuard(clock, max_failures=1, lockout_seconds=5, max_lockout_seconds=30)
    waits = []
    for _ in range(5):
        guard.unlock(store, kim.id, "0000", guesser=THIEF)
        wait = guard.wait(store, kim.id, guesser=THIEF)
        waits.append(wait)
        clock.now += wait
    assert waits == [5, 10, 20, 30, 30]
    assert guard.unlock(store, kim.id, "2580", guesser=THIEF).opened  # the right PIN clears the record
    guard.unlock(store, kim.id, "0000", guesser=THIEF)
    assert guard.wait(store, kim.id, guesser=THIEF) == 5


def test_a_new_session_from_the_same_address_does_not_start_afresh(store):
    kim = store.create_profile("Kim", pin="2580")
    guard = srs.PinGuard(Clock(), max_failures=2, address_factor=3)  # the address gets 6 tries
    address = srs.profiles.ADDRESS_PREFIX + "10.0.0.7"
    for tab in range(3):  # three tabs, two wrong PINs each: every tab is locked after its two
        for _ in range(2):
            guard.unlock(store, kim.id, "0000", guesser=(f"session:tab{tab}", address))
    assert guard.wait(store, kim.id, guesser=("session:tab9", address)) is not None  # a fourth tab waits too
    assert guard.unlock(store, kim.id, "2580", guesser=("session:owner", "address:10.0.0.8")).opened


def test_after_a_lockout_the_count_starts_again(store):
    kim = store.create_profile("Kim", pin="2580")
    clock = Clock()
    guard = srs.PinGuard(clock, max_failures=2, lockout_seconds=5)
    guard.unlock(store, kim.id, "0000", guesser=ME)
    guard.unlock(store, kim.id, "0000", guesser=ME)
    clock.now += 5
    assert guard.unlock(store, kim.id, "0000", guesser=ME) == srs.Unlock(False)  # one wrong after the wait
    assert guard.unlock(store, kim.id, "0000", guesser=ME) == srs.Unlock(False)  # the second locks again
    assert guard.unlock(store, kim.id, "2580", guesser=ME).wait == 10  # and the wait doubled


def test_a_right_pin_clears_the_count(store):
    kim = store.create_profile("Kim", pin="2580")
    guard = srs.PinGuard(Clock(), max_failures=2)
    guard.unlock(store, kim.id, "0000", guesser=ME)
    assert guard.unlock(store, kim.id, "2580", guesser=ME).opened
    assert guard.unlock(store, kim.id, "0000", guesser=ME) == srs.Unlock(False)  # one wrong, not two in a row
    assert guard.unlock(store, kim.id, "2580", guesser=ME).opened


def test_one_profiles_wrong_pins_never_lock_another(store):
    kim = store.create_profile("Kim", pin="2580")
    lee = store.create_profile("Lee", pin="1357")
    guard = srs.PinGuard(Clock(), max_failures=1)
    assert guard.unlock(store, kim.id, "0000", guesser=ME) == srs.Unlock(False)
    assert guard.unlock(store, kim.id, "2580", guesser=ME).wait is not None
    assert guard.unlock(store, lee.id, "1357", guesser=ME).opened


def test_the_guard_forgets_quiet_guessers_so_memory_stays_bounded(store):
    kim = store.create_profile("Kim", pin="2580")
    clock = Clock()
    guard = srs.PinGuard(clock, max_entries=20, max_lockout_seconds=30)
    for i in range(80):
        guard.unlock(store, kim.id, "0000", guesser=(f"session:{i}",))
        clock.now += 1
    assert len(guard._tries) <= 20


def test_a_guesser_must_be_named(store):
    kim = store.create_profile("Kim", pin="2580")
    with pytest.raises(ValueError):
        srs.PinGuard(Clock()).unlock(store, kim.id, "2580", guesser=())


def test_a_visitor_cannot_give_someone_elses_profile_a_pin(store):
    ann = store.create_profile("Ann")
    guard = srs.PinGuard(Clock())
    with pytest.raises(srs.PinNotYours):
        srs.change_pin(store, ann.id, "6666", current_pin=None, guard=guard, guesser=THIEF, created_here=False)
    assert not store.profile(ann.id).protected
    # the session that created it may
    assert srs.change_pin(store, ann.id, "1234", current_pin=None, guard=guard, guesser=ME, created_here=True).opened
    assert store.check_pin(ann.id, "1234")


def test_changing_a_pin_needs_the_current_one_and_wrong_ones_count_as_guesses(store):
    kim = store.create_profile("Kim", pin="2580")
    guard = srs.PinGuard(Clock(), max_failures=2)
    change = dict(guard=guard, created_here=False)
    assert srs.change_pin(store, kim.id, "9999", current_pin="0000", guesser=THIEF, **change) == srs.Unlock(False)
    assert srs.change_pin(store, kim.id, "9999", current_pin="1111", guesser=THIEF, **change) == srs.Unlock(False)
    locked = srs.change_pin(store, kim.id, "9999", current_pin="2580", guesser=THIEF, **change)
    assert not locked.opened and locked.wait is not None  # locked out: not even the right PIN is checked
    assert store.check_pin(kim.id, "2580")
    assert srs.change_pin(store, kim.id, "9999", current_pin="2580", guesser=ME, **change).opened  # the owner
    assert store.check_pin(kim.id, "9999")
    with pytest.raises(ValueError):  # a new PIN against the rules is refused before any guess is spent
        srs.change_pin(store, kim.id, "12", current_pin="9999", guesser=ME, **change)


def test_find_profile_and_create_profile(store):
    ann = srs.create_profile(store, "Ann", pin="2468")
    assert srs.find_profile(store, ann.id) == ann and ann.protected
    assert srs.find_profile(store, 999) is None
    with pytest.raises(ValueError):
        srs.create_profile(store, "Ann")
    srs.set_pin(store, ann.id, None)
    assert not srs.find_profile(store, ann.id).protected
