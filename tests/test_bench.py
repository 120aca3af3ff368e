"""`studyapp bench` measures real runs and checks the fast path against the plain reference."""

from __future__ import annotations

from studyapp.bench import bench_demo, format_table


def test_bench_times_the_default_run_and_its_reference():
    row = bench_demo("overfitting", device="cpu", repeats=1)
    assert row.seconds > 0 and 0 < row.first_report <= row.seconds
    assert row.reference_seconds is not None and row.reference_seconds > 0
    assert row.speedup == row.reference_seconds / row.seconds
    low, high = row.speedup_range
    assert low == high == row.speedup  # one pair of runs: one ratio
    assert row.agrees, row.agreement
    table = format_table([row])
    assert "overfitting" in table and "cpu" in table and f"{row.speedup:.1f}x" in table
