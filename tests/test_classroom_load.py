"""The class load test's arithmetic and its command line (the run itself needs chromium and
minutes: `studyapp classroom load-test` is measured by hand, its figures in the report)."""

from __future__ import annotations

import pytest

from studyapp.classroom_load import latencies_of, percentile, pick_questions
from studyapp.cli import main


def test_each_answer_is_timed_to_the_projector_showing_that_many():
    taps = [0.0, 0.1, 0.2]
    seen = [(0.05, 0), (0.15, 1), (0.25, 1), (1.0, 2), (1.3, 3)]
    found, unseen = latencies_of(taps, seen)
    assert found == pytest.approx([0.15, 0.9, 1.1])
    assert unseen == 0


def test_an_answer_the_projector_never_shows_is_counted():
    found, unseen = latencies_of([0.0, 0.1, 0.2], [(0.5, 1), (2.0, 2)])
    assert found == pytest.approx([0.5, 1.9]) and unseen == 1


def test_a_count_seen_before_the_tap_does_not_time_it():
    found, _ = latencies_of([1.0], [(0.5, 1), (1.4, 1)])  # a stale read before the tap is no proof
    assert found == pytest.approx([0.4])


def test_percentiles():
    values = [float(i) for i in range(1, 101)]
    assert percentile(values, 0.5) == 51.0  # nearest rank
    assert percentile(values, 0.95) == 95.0
    assert percentile([], 0.95) is None


def test_the_bundled_topics_have_one_tap_questions_for_a_class():
    from demos.generators import GENERATORS

    from studyapp.content import load_content

    picks = pick_questions(load_content().topics, 3, generators=GENERATORS)
    assert len(picks) == 3 and len({q.id for _, q in picks}) == 3
    with pytest.raises(ValueError, match="only"):
        pick_questions(load_content().topics, 10_000, generators=GENERATORS)


@pytest.mark.parametrize("args, words", [(["--students", "0"], "--students"), (["--questions", "0"], "--questions")])
def test_the_command_names_a_bad_count(args, words, capsys):
    assert main(["classroom", "load-test", *args]) == 2
    assert words in capsys.readouterr().err
