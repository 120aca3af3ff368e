"""Quiz sessions: seeded selection and shuffles, generated numbers, flow, timer, summary,
the confusables drill, and what the results feed the store and the flashcard scheduler."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

import pytest
from pydantic import TypeAdapter

from demos.generators import GENERATORS
from studyapp.content import Card, load_content
from studyapp.content.questions import Question
from studyapp.quiz import QuizSettings, build_session, grade, make_item
from studyapp.quiz.confusables import confusable_groups, definition_question, mask_term
from studyapp.quiz.results import AGAIN, EASY, GOOD, answer_json, attempt, card_ratings
from studyapp.content.questions import fill, question_rng
from tests.conftest import ROOT

QUESTION = TypeAdapter(Question)
BUNDLED = load_content(ROOT / "content")
POOL = [(t.id, q) for t in BUNDLED.topics for q in t.questions]
CARDS = [(t.id, c) for t in BUNDLED.topics for c in t.cards]


def fake_generators():
    """Stand-ins for demos.generators: the session must not need torch to be tested."""
    def mlp(inputs, hidden, outputs, hidden_layers, bias):
        sizes = [inputs] + [hidden] * hidden_layers + [outputs]
        return sum(a * b + (b if bias else 0) for a, b in zip(sizes, sizes[1:]))

    def conv(in_size, kernel, stride, padding):
        if in_size + 2 * padding < kernel:
            raise ValueError("kernel larger than input")
        return (in_size + 2 * padding - kernel) // stride + 1

    def conv_params(in_channels, out_channels, kernel, bias):
        return out_channels * in_channels * kernel * kernel + (out_channels if bias else 0)

    def lstm_params(input_size, hidden_size):
        return 4 * (hidden_size * (input_size + hidden_size) + 2 * hidden_size)

    # Every generator the content names gets a stand-in (demos.generators lists names without
    # importing torch); the ones whose values the tests check compute the real formula.
    stand_ins = {name: (lambda **values: 1.0) for name in GENERATORS}
    return stand_ins | {
        "mlp-params": mlp, "conv2d-output": conv, "conv2d-params": conv_params, "lstm-params": lstm_params,
        "dropout-kept-value": lambda p, activation: activation / (1 - p),
        "sgd-weight-decay-step": lambda weight, grad, lr, weight_decay: weight - lr * (grad + weight_decay * weight)}


def T(en: str) -> dict:
    return {"en": en, "ko": en + " (ko)"}


def ids(session) -> list[str]:
    return [item.question.id for item in session.items]


def test_the_same_seed_rebuilds_the_same_session():
    settings = QuizSettings(count=12)
    a = build_session(POOL, settings, seed=7, now=0.0, generators=fake_generators())
    b = build_session(POOL, settings, seed=7, now=99.0, generators=fake_generators())
    assert ids(a) == ids(b)
    assert [i.order for i in a.items] == [i.order for i in b.items]
    assert [dict(i.values) for i in a.items] == [dict(i.values) for i in b.items]
    c = build_session(POOL, settings, seed=8, now=0.0, generators=fake_generators())
    assert (ids(c), [i.order for i in c.items]) != (ids(a), [i.order for i in a.items])


def test_a_question_is_shuffled_the_same_wherever_it_appears():
    question = next(q for _, q in POOL if q.type == "single_choice")
    first = make_item("t", question, seed=3, generators={})
    again = make_item("t", question, seed=3, generators={})
    assert first.order == again.order and sorted(first.order) == list(range(len(question.choices)))
    orders = {make_item("t", question, seed=s, generators={}).order for s in range(20)}
    assert len(orders) > 1  # different sessions see different orders


def test_ordering_never_starts_solved():
    question = next(q for _, q in POOL if q.type == "ordering")
    solved = [next(i for i, it in enumerate(question.items) if it.id == a) for a in question.answer]
    for seed in range(30):
        assert list(make_item("t", question, seed=seed, generators={}).order) != solved


def test_filters_and_round_robin_over_types():
    settings = QuizSettings(topics=("overfitting",), types=("typed", "numeric", "ordering"), count=6)
    session = build_session(POOL, settings, seed=1, now=0.0, generators=fake_generators())
    kinds = Counter(item.type for item in session.items)
    assert set(kinds) == {"typed", "numeric", "ordering"} and sum(kinds.values()) == 6
    assert max(kinds.values()) - min(kinds.values()) <= 1  # dealt evenly while every type has questions left
    assert all(item.topic_id == "overfitting" for item in session.items)
    everything = build_session(POOL, QuizSettings(count=1000), seed=1, now=0.0, generators=fake_generators())
    assert len(everything.items) == len(POOL)


def test_each_attempt_draws_new_numbers_and_fills_the_prompt():
    question = next(q for _, q in POOL if q.type == "numeric" and q.generator == "mlp-params")
    values = {make_item("t", question, seed=s, generators=fake_generators()).values["hidden"] for s in range(40)}
    assert len(values) > 3
    item = make_item("t", question, seed=2, generators=fake_generators())
    h = item.values["hidden"]
    assert item.expected == 64 * h + h + h * h + h + h * 10 + 10
    assert f"{h} units" in item.text(question.prompt).en and "{hidden}" not in item.text(question.prompt).ko
    # the misconceptions' numbers were computed with their overrides
    assert item.traps == (64 * h + h * h + h * 10, 64 * h + h + h * 10 + 10)
    assert grade(item, item.expected).correct


def test_draws_retry_invalid_settings_and_give_up_with_a_message():
    question = QUESTION.validate_python({
        "id": "q", "type": "numeric", "prompt": T("{in_size} {kernel}"), "cards": ["c"], "generator": "conv2d-output",
        "params": {"in_size": {"min": 2, "max": 9}, "kernel": [7], "stride": 1, "padding": 0}})
    drawn = question.draw(question_rng(0, "q"), fake_generators())
    assert drawn.values["in_size"] >= 7 and drawn.expected == drawn.values["in_size"] - 6
    impossible = question.model_copy(update={"params": {"in_size": 3, "kernel": [7], "stride": 1, "padding": 0}})
    with pytest.raises(ValueError, match="no valid settings"):
        impossible.draw(question_rng(0, "q"), fake_generators())
    # a session leaves such a question out and says which
    session = build_session([("t", impossible)], QuizSettings(count=1), seed=0, now=0.0, generators=fake_generators())
    assert session.items == [] and session.skipped == ["q"]


def test_fill_only_touches_known_placeholders():
    assert fill("h = {hidden}, \\frac{a}{b}", {"hidden": 48}) == "h = 48, \\frac{a}{b}"
    assert fill("p = {p}", {"p": 0.25}) == "p = 0.25"


def test_flow_timing_and_double_submit():
    session = build_session(POOL, QuizSettings(count=3, types=("true_false",)), seed=0, now=100.0, generators={})
    session.show(110.0)
    session.show(150.0)  # a rerun does not restart the clock
    item = session.current()
    response = session.submit(item.right_answer(), grade(item, item.right_answer()), now=118.0)
    assert response.seconds == pytest.approx(8.0)
    assert session.submit(not item.right_answer(), grade(item, not item.right_answer()), now=120.0) is response
    session.advance(120.0)
    session.advance(121.0)
    assert not session.finished
    session.advance(122.0)
    assert session.finished and session.finished_at == 122.0 and session.current() is None
    with pytest.raises(RuntimeError):
        session.submit(True, grade(item, True), now=123.0)


def test_exam_timer():
    session = build_session(POOL, QuizSettings(count=2, mode="exam", time_limit_s=60), seed=0, now=1000.0, generators={})
    assert session.time_left(1030.0) == 30.0 and not session.out_of_time(1059.0)
    assert session.out_of_time(1060.0) and session.time_left(2000.0) == 0.0
    practice = build_session(POOL, QuizSettings(count=2, time_limit_s=60), seed=0, now=0.0, generators={})
    assert practice.time_left(1e9) is None  # practice mode has no clock
    with pytest.raises(ValueError):
        QuizSettings(mode="homework")


def test_summary_scores_per_topic_and_lists_the_missed():
    session = build_session(POOL, QuizSettings(count=4, types=("single_choice", "true_false")), seed=4, now=0.0,
                            generators={})
    first, second = session.items[0], session.items[1]
    session.show(0.0)
    session.submit(first.right_answer(), grade(first, first.right_answer()), now=1.0)
    session.advance(1.0)
    wrong = next(a for a in ([0, 1, 2, 3] if second.type == "single_choice" else [True, False]) if a != second.right_answer())
    session.show(1.0)
    session.submit(wrong, grade(second, wrong), now=2.0)
    session.finish(3.0)  # the last two are never answered
    summary = session.summary()
    assert (summary.total.asked, summary.total.answered, summary.total.correct) == (4, 2, 1)
    assert summary.total.percent == pytest.approx(25.0)
    assert summary.missed == [1, 2, 3]
    assert sum(t.asked for t in summary.by_topic.values()) == 4
    assert sum(t.asked for t in summary.by_type.values()) == 4


# --- the confusables drill --------------------------------------------------------------------


def card(ident: str, *links: str, term: str | None = None, definition: str = "Some meaning.") -> Card:
    return Card(id=ident, term={"en": term or ident.title(), "ko": f"{ident} 용어"},
                definition={"en": definition, "ko": f"{ident}의 뜻."},
                confused_with=[{"card": other, "difference": {"en": f"{ident} is not {other}", "ko": "다름"}} for other in links])


def test_groups_follow_the_confused_with_links_both_ways():
    cards = [card("overfitting", "overloading", "overriding", "overflow"), card("overloading", "overriding"),
             card("overriding"), card("overflow"), card("sgd", "adam"), card("adam"), card("alone")]
    groups = confusable_groups(cards)
    assert groups[0] == ("overfitting", "overloading", "overriding", "overflow")
    assert ("sgd", "adam") in groups or ("adam", "sgd") in groups
    assert all(len(g) >= 2 for g in groups) and not any("alone" in g for g in groups)
    # a group inside a larger one is not served twice
    assert not any(set(g) < set(groups[0]) for g in groups[1:])


def test_bundled_groups_include_the_over_words():
    groups = confusable_groups(BUNDLED.cards())
    assert any({"overfitting", "overloading", "overriding", "overflow"} <= set(g) for g in groups)
    assert any({"training-set", "validation-set", "test-set"} <= set(g) for g in groups)


def test_definition_question_hides_the_term_and_explains_each_rival():
    target = card("overfitting", "overflow", term="Overfitting",
                  definition="A model overfits when it memorizes; overfitting shows as a gap.")
    rival = card("overflow", term="Overflow")
    question = definition_question(target, [target, rival], question_rng(0, "x"))
    assert "overfit" not in question.prompt.en.lower() and "___" in question.prompt.en
    assert question.problems() == []
    assert [c.correct for c in question.choices] == [True, False]
    assert question.choices[1].explanation.en == "overfitting is not overflow"
    assert mask_term("Stochastic gradient descent (SGD) uses SGD steps.", Text_("Stochastic gradient descent (SGD)")) \
        == "___ (___) uses ___ steps."


def Text_(en: str):
    from studyapp.text import Text

    return Text(en=en, ko=en)


def test_drill_serves_each_group_together():
    settings = QuizSettings(count=30, drill=True, topics=("overfitting",))
    session = build_session(POOL, settings, seed=2, now=0.0, generators=fake_generators(), cards=CARDS)
    groups = [item.group for item in session.items]
    assert all(groups)
    # consecutive: once the drill leaves a group it never comes back to it
    seen, previous = set(), None
    for group in groups:
        if group != previous:
            assert group not in seen
            seen.add(group)
            previous = group
    for item in session.items:
        assert set(item.question.cards) & set(item.group)
    generated = [item for item in session.items if item.question.id.startswith("drill-")]
    assert generated and all(item.type == "single_choice" for item in generated)
    assert len({item.question.id for item in session.items}) == len(session.items)


# --- results for the store and FSRS -----------------------------------------------------------


def answered(kind: str, right: bool, seconds: float):
    session = build_session(POOL, QuizSettings(count=1, types=(kind,)), seed=0, now=0.0, generators=fake_generators())
    item = session.items[0]
    answer = item.right_answer() if right else (not item.right_answer() if kind == "true_false" else "zzz")
    session.show(0.0)
    session.submit(answer, grade(item, answer), now=seconds)
    return session, item


def test_ratings_wrong_again_right_good_fast_easy():
    session, item = answered("true_false", right=False, seconds=3)
    assert {r for _, r in card_ratings(item, session.responses[0])} == {AGAIN}
    session, item = answered("true_false", right=True, seconds=3)
    assert {r for _, r in card_ratings(item, session.responses[0])} == {EASY}
    session, item = answered("true_false", right=True, seconds=30)
    assert {r for _, r in card_ratings(item, session.responses[0])} == {GOOD}
    ratings = card_ratings(item, session.responses[0], already_rated={item.question.cards[0]})
    assert [c for c, _ in ratings] == item.question.cards[1:]


def test_attempt_record_matches_the_store_interface():
    session, item = answered("typed", right=False, seconds=12.345)
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    record = attempt(session, 0, at)
    assert record == {
        "question_id": item.question.id, "topic_id": item.topic_id, "correct": False, "score": 0.0,
        "answer_json": json.dumps({"answer": "zzz"}), "seconds": 12.35, "mode": "practice",
        "session_id": session.id, "at": at,
    }


def test_recording_an_answer_stores_the_attempt_and_rates_each_card_once(tmp_path):
    from studyapp.quiz.results import record_answer
    from studyapp.store import Store

    session, item = answered("true_false", right=True, seconds=30)
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    rated: set[str] = set()
    with Store(tmp_path / "p.sqlite3") as store:
        profile = store.create_profile("p")
        assert record_answer(store, profile.id, session, 0, at=at, rated=rated) == list(dict.fromkeys(item.question.cards))
        assert rated == set(item.question.cards)
        assert record_answer(store, profile.id, session, 0, at=at, rated=rated) == []  # cards rated once a session
        assert [a.question_id for a in store.quiz_attempts(profile.id)] == [item.question.id] * 2
        reviews = store.reviews(profile.id)
        assert {r.card_key for r in reviews} == rated and {(r.rating, r.source) for r in reviews} == {(GOOD, "quiz")}
        assert {r.duration_ms for r in reviews} == {30_000}


def test_answer_json_keeps_generated_values():
    session = build_session(POOL, QuizSettings(count=1, types=("numeric",)), seed=5, now=0.0, generators=fake_generators())
    item = session.items[0]
    session.submit(1.0, grade(item, 1.0), now=1.0)
    stored = json.loads(answer_json(item, session.responses[0]))
    assert stored["answer"] == 1.0 and stored["values"] == dict(item.values) and stored["expected"] == item.expected


def test_ranges_draw_whole_numbers_and_tidy_decimals_without_listing_them():
    from studyapp.content.questions.numeric import ParamRange, draw_value

    decimals = ParamRange(min=0.1, max=0.5, step=0.1)
    assert decimals.count() == 5
    drawn = {draw_value(decimals, question_rng(s, "q")) for s in range(200)}
    assert drawn == {0.1, 0.2, 0.3, 0.4, 0.5}
    huge = ParamRange(min=1, max=10**12)  # drawn by index: never materialized as a list
    value = draw_value(huge, question_rng(0, "q"))
    assert isinstance(value, int) and 1 <= value <= 10**12
    assert ParamRange(min=5, max=1).count() == 0
