"""The app pays PyTorch's one-time costs in a background thread when it starts."""

from __future__ import annotations

import logging

from studyapp import runner
from tests.conftest import make_app


def test_warm_up_loads_what_the_first_demo_run_needs(caplog):
    import sys

    with caplog.at_level(logging.ERROR):
        runner.warm_up()
    assert "warming up PyTorch failed" not in caplog.text
    assert "torch" in sys.modules and "sklearn.datasets" in sys.modules
    from demos.data import digits

    assert digits.cache_info().currsize == 1  # the digits are loaded and kept


def test_a_failed_warm_up_is_logged_not_raised(monkeypatch, caplog):
    def broken():
        raise RuntimeError("no data today")

    monkeypatch.setattr("demos.data.digits", broken)
    with caplog.at_level(logging.ERROR):
        runner.warm_up()
    assert "warming up PyTorch failed" in caplog.text


def test_the_app_starts_one_warm_up_thread(monkeypatch):
    from studyapp.ui.warmup import start_warm_up

    at = make_app(monkeypatch).run()
    assert not at.exception
    thread = start_warm_up()  # the one the app started (cached once per process)
    thread.join(timeout=120)
    assert not thread.is_alive() and thread.name == "studyapp-warm-up"
    assert start_warm_up() is thread
