"""`studyapp bench` measures real runs and checks the fast path against the plain reference."""

from __future__ import annotations

from studyapp.bench import bench_demo, format_table


def test_bench_times_the_default_run_warm_and_cold():
    row = bench_demo("overfitting", device="cpu", repeats=1)
    assert row.seconds > 0 and 0 < row.first_report <= row.seconds
    assert not row.engine and row.lesson_seconds is None and row.speedup is None  # no engine: the lesson runs
    assert row.cold_seconds > 0 and row.load_seconds > 0  # measured in a fresh process
    table = format_table([row])
    assert "overfitting" in table and "cpu" in table and f"{row.cold_seconds:.3f}" in table
    assert "Cold minus warm" in table


def test_heaviest_settings_put_every_number_at_its_maximum():
    from demos import get_demo
    from studyapp.bench import heaviest_settings

    settings = heaviest_settings(get_demo("overfitting"))
    assert settings["epochs"] == 500 and settings["hidden"] == 256 and settings["train_size"] == 1000
    assert "early_stopping" not in settings  # switches keep their defaults
