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
    assert "torch._dynamo" in sys.modules  # what torch.optim's first optimizer imports
    assert "demos.overfitting.lesson" in sys.modules  # the lessons, loaded
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


def test_the_first_page_loads_no_pytorch_and_the_warm_up_no_pandas():
    # The app's first page must not wait for PyTorch (seconds on a small CPU), and the warm-up
    # thread must not import pandas: plotly and Streamlit look pandas up in sys.modules without
    # importing it, and a half-imported pandas once broke a chart drawn at the same moment.
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys\n"
            "import studyapp.ui.navigation, studyapp.ui.session, studyapp.ui.content_cache\n"
            "from studyapp.ui import demo_view, warmup\n"
            "assert 'torch' not in sys.modules, 'a page module imports PyTorch'\n"
            "from studyapp.runner import warm_up\n"
            "warm_up()\n"
            "assert 'torch' in sys.modules\n"
            "assert 'pandas' not in sys.modules and 'sklearn' not in sys.modules, 'the warm-up imports pandas'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
