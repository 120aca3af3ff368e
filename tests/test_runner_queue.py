"""The app's run queue: bounded runs at once, shared identical runs, priorities, cancel and Stop."""

from __future__ import annotations

import threading

import pytest

from studyapp import runner
from studyapp.runner import STUDENT, TEACHER, RunQueue

SMALL = {"epochs": 10, "hidden": 8, "train_size": 30}


@pytest.fixture
def gated(monkeypatch):
    """Runs that train only when the test opens their gate (one gate per learning rate)."""
    runner.clear_cache()
    gates: dict[float, threading.Event] = {}
    started: list[float] = []
    real_train = runner._train

    def train(demo, resolved, dev, seed, report, stop):
        lr = resolved["lr"]
        started.append(lr)
        gates.setdefault(lr, threading.Event()).wait(30)
        if lr == 0.05:
            raise RuntimeError("the GPU caught fire")
        return real_train(demo, resolved, dev, seed, report, stop)

    monkeypatch.setattr(runner, "_train", train)

    def release(lr: float) -> None:
        gates.setdefault(lr, threading.Event()).set()

    yield started, release
    for gate in gates.values():
        gate.set()
    runner.clear_cache()


def submit(q: RunQueue, lr: float, priority: int = STUDENT):
    return q.submit("overfitting", {**SMALL, "lr": lr}, seed=0, device="cpu", priority=priority)


def wait_until(condition, timeout: float = 30) -> None:
    deadline = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        deadline.wait(0.02)
    raise AssertionError("condition never held")


def test_one_run_at_a_time_the_rest_wait_in_line_and_the_teacher_goes_first(gated):
    started, release = gated
    q = RunQueue(workers=1, threads=1)
    first = submit(q, 0.001)
    wait_until(lambda: started == [0.001])
    second, third = submit(q, 0.002), submit(q, 0.003)
    assert (q.position(first), q.position(second), q.position(third)) == (0, 1, 2)
    teacher = submit(q, 0.004, priority=TEACHER)
    assert (q.position(teacher), q.position(second), q.position(third)) == (1, 2, 3)
    for lr in (0.001, 0.004, 0.002, 0.003):
        release(lr)
    for job in (first, second, third, teacher):
        assert job.wait(60) and job.status == "done", job.error
    assert started == [0.001, 0.004, 0.002, 0.003]  # the teacher's run went before the students'


def test_identical_settings_share_one_run_and_a_finished_run_is_remembered(gated):
    started, release = gated
    q = RunQueue(workers=1, threads=1)
    a, b = submit(q, 0.001), submit(q, 0.001)
    assert a is b and a.requests == 2
    release(0.001)
    assert a.wait(60) and a.status == "done" and not a.run.cached
    again = submit(q, 0.001)
    assert again is not a and again.finished and again.run.cached  # at once, without training
    assert started == [0.001]


def test_cancel_leaves_the_line_only_when_nobody_else_waits(gated):
    started, release = gated
    q = RunQueue(workers=1, threads=1)
    running = submit(q, 0.001)
    wait_until(lambda: started == [0.001])
    queued = submit(q, 0.002)
    shared = submit(q, 0.002)
    q.cancel(shared)  # one of two requests withdrawn: still in line
    assert queued.status == "queued" and q.position(queued) == 1
    q.cancel(queued)
    assert queued.finished and queued.status == "cancelled"
    release(0.001)
    assert running.wait(60) and running.status == "done"
    assert started == [0.001]  # the cancelled run never trained


def test_a_failed_run_reports_its_error_and_the_queue_goes_on(gated):
    _, release = gated
    q = RunQueue(workers=1, threads=1)
    broken, fine = submit(q, 0.05), submit(q, 0.001)
    release(0.05)
    release(0.001)
    assert broken.wait(60) and broken.status == "failed" and "GPU caught fire" in broken.error
    assert fine.wait(60) and fine.status == "done"
    assert runner.cached_run("overfitting", {**SMALL, "lr": 0.05}, seed=0, device="cpu") is None


def test_stop_ends_a_queued_run_at_its_next_report_and_is_not_remembered():
    runner.clear_cache()
    q = RunQueue(workers=1, threads=1)
    job = q.submit("overfitting", {**SMALL, "epochs": 500}, seed=0, device="cpu")
    wait_until(lambda: job.progress is not None)
    job.stop()
    assert job.wait(60) and job.status == "done"
    assert job.run.result.stopped and job.run.result.data["history"]["plain"]["epoch"][-1] < 500
    assert runner.cached_run("overfitting", {**SMALL, "epochs": 500}, seed=0, device="cpu") is None


def test_bad_settings_are_refused_when_submitted():
    from demos.framework import ParamError

    with pytest.raises(ParamError, match="dropout"):
        RunQueue(workers=1).submit("overfitting", {"dropout": 2.0}, device="cpu")
