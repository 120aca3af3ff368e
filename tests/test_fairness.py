"""The question bank is fair: no answer gives itself away by its length, its wording or its
truth value, every card is asked about, no question is asked twice, and no prediction's
outcome is written as if the run had already landed somewhere.

The measures live in studyapp.content.fairness (pure functions over loaded content), so these
tests hold every topic added later as well; the first tests check the measures themselves.
"""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from studyapp.cli import main
from studyapp.content.questions.choice import MultiChoice, PickOne
from studyapp.content.questions.predict import PredictThenRun
from studyapp.content import LANGUAGES, load_content
from studyapp.content import fairness as f
from studyapp.content.questions import Question
from tests.conftest import ROOT

CONTENT = load_content(ROOT / "content")
QUESTIONS = CONTENT.questions()
_QUESTION = TypeAdapter(Question)


def T(en: str, ko: str | None = None) -> dict:
    return {"en": en, "ko": ko or en}


def single(qid: str, right: str, *wrong: str, prompt: str = "Which one?") -> Question:
    choices = [{"text": T(right), "correct": True}]
    choices += [{"text": T(w), "explanation": T("why not")} for w in wrong]
    return _QUESTION.validate_python(
        {"id": qid, "type": "single_choice", "prompt": T(prompt), "cards": ["c"], "choices": choices}
    )


# --- the measures themselves ---------------------------------------------------------------


def test_length_cue_counts_a_strictly_longest_or_shortest_right_option():
    questions = [
        single("long", "a much longer right option", "short", "tiny"),
        single("tie", "same", "abcd", "xyz"),  # as long as a wrong option: no cue
        single("short", "ok", "a longer wrong one", "another long wrong one"),
    ]
    assert f.longest_correct(questions) == ["long"]
    assert f.shortest_correct(questions) == ["short"]
    assert f.longest_correct_share(questions) == pytest.approx(1 / 3)
    assert f.chance_longest(questions) == pytest.approx(1 / 3)


def test_chance_is_the_mean_of_one_over_the_number_of_options():
    questions = [single("two", "a", "b"), single("four", "a", "b", "c", "d")]
    assert f.chance_longest(questions) == pytest.approx((1 / 2 + 1 / 4) / 2)


def test_a_right_option_far_longer_than_every_wrong_one_is_an_outlier():
    far = single("far", "x" * 60, "y" * 30, "z" * 25)
    near = single("near", "x" * 40, "y" * 30, "z" * 25)
    tiny = single("tiny", "400", "16", "25")  # 1.5 times as long, but only one character more
    assert [c.question for c in f.length_outliers([far, near, tiny])] == ["far"]


def test_absolute_words_in_wrong_options_are_found_in_both_languages():
    q = single("abs", "It shrinks", "Nothing changes", "It always grows", "It cannot run")
    ko = _QUESTION.validate_python({
        "id": "ko", "type": "single_choice", "prompt": T("?"), "cards": ["c"],
        "choices": [{"text": T("right"), "correct": True},
                    {"text": T("fine wording", "항상 커진다"), "explanation": T("no")}],
    })
    found = f.absolute_distractors([q, ko])
    assert ("abs", 1, "en", "nothing") in found and ("abs", 2, "en", "always") in found
    assert ("abs", 3, "en", "cannot") in found and ("ko", 1, "ko", "항상") in found
    # a right option may say "always"; only wrong ones are giveaways
    assert f.absolute_distractors([single("ok", "It always converges", "It diverges")]) == []


def test_similarity_is_token_jaccard_of_content_words():
    # {dropout} against {dropout, test, time}: "what", "does", "do", "at" carry no topic
    assert f.similarity("What does dropout do?", "What does dropout do at test time?") == pytest.approx(1 / 3)
    assert f.similarity("Which of these is not a CNN?", "Which of these is not an optimizer?") == 0
    a, b = single("a", "x", "y", prompt="How many parameters does nn.Linear(2, 8) have?"), \
        single("b", "x", "y", prompt="How many parameters does nn.Linear(2, 8) have in all?")
    assert f.near_duplicates([a, b]) == [("a", "b", 1.0)]


def test_presuming_outcome_wording_is_caught():
    q = _QUESTION.validate_python({
        "id": "p", "type": "predict_then_run", "prompt": T("?"), "cards": ["c"], "demo": "overfitting",
        "choices": [
            {"text": T("low"), "when": "plain_acc_gap < 0.1", "explanation": T("A small gap would mean memorizing failed.")},
            {"text": T("high"), "when": "plain_acc_gap >= 0.1", "explanation": T("A gap this large means it memorized.")},
        ],
    })
    assert f.presuming_outcomes([q]) == [("p", 0, "would")]


# --- the bundled bank ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_right_option_is_the_longest_about_as_often_as_chance(lang):
    chance = f.chance_longest(QUESTIONS)
    share = f.longest_correct_share(QUESTIONS, lang)
    assert chance - f.LENGTH_SLACK <= share <= chance + f.LENGTH_SLACK, (
        f"{lang}: right option longest in {share:.0%} of choice questions, chance {chance:.0%}: "
        f"{f.longest_correct(QUESTIONS, lang)}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_right_option_is_the_shortest_about_as_often_as_chance(lang):
    chance = f.chance_longest(QUESTIONS)
    share = f.shortest_correct_share(QUESTIONS, lang)
    assert chance - f.LENGTH_SLACK <= share <= chance + f.LENGTH_SLACK, (
        f"{lang}: right option shortest in {share:.0%} of choice questions, chance {chance:.0%}: "
        f"{f.shortest_correct(QUESTIONS, lang)}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_right_option_is_far_longer_than_every_wrong_one(lang):
    assert [(c.question, c.correct, max(c.wrong)) for c in f.length_outliers(QUESTIONS, lang)] == []


def test_no_wrong_option_gives_itself_away_with_an_absolute_word():
    # "Nothing changes", "it always...", "it cannot...": a student who knows that sweeping
    # claims are usually false rejects these unread; a distractor states a real mistake.
    assert f.absolute_distractors(QUESTIONS) == []


def test_true_and_false_statements_are_balanced():
    trues, total = f.true_false_counts(QUESTIONS)
    low, high = f.TRUE_SHARE
    assert total >= 10
    assert low <= trues / total <= high, f"{trues} of {total} true/false statements are true"


def test_every_card_is_asked_about():
    assert f.cards_without_question(CONTENT) == []


def test_no_two_questions_ask_the_same_thing():
    assert f.near_duplicates(QUESTIONS) == [], f"threshold {f.DUPLICATE_THRESHOLD}"


def test_prediction_outcomes_hold_whichever_way_the_run_goes():
    # The app shows the explanation of the picked outcome and of the one that happened, so
    # each must explain its own outcome without assuming which one the run landed on.
    assert f.presuming_outcomes(QUESTIONS) == []
    for q in QUESTIONS:
        if isinstance(q, PredictThenRun):
            texts = [c.explanation.en for c in q.choices]
            assert len(set(texts)) == len(texts), q.id


def test_every_wrong_option_explains_itself():
    for q in QUESTIONS:
        if isinstance(q, (PickOne, MultiChoice)):
            assert all(c.explanation is not None for c in q.choices if not c.correct), q.id


# --- the summary ---------------------------------------------------------------------------


def test_validate_prints_the_fairness_summary_after_its_ok_line(capsys):
    assert main(["validate", str(ROOT / "content")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("OK: ")
    assert lines[1].startswith("Fairness: right option longest in ")
    assert "true/false" in lines[1] and "0 cards without a question" in lines[1]


def test_validate_json_carries_the_fairness_figures(capsys):
    import json

    assert main(["validate", str(ROOT / "content"), "--json"]) == 0
    fairness = json.loads(capsys.readouterr().out)["fairness"]
    assert fairness["choice_questions"] == len(f.choice_questions(QUESTIONS))
    assert set(fairness["longest_correct"]) == set(LANGUAGES)
    assert fairness["true_statements"]["total"] == f.true_false_counts(QUESTIONS)[1]
    assert fairness["cards_without_question"] == [] and fairness["near_duplicates"] == []
