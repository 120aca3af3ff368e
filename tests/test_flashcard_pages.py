"""The Flashcards and Statistics pages through Streamlit's AppTest, with a throwaway database."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from studyapp import srs
from studyapp.content import load_content
from studyapp.store import Store
from tests.conftest import make_app, open_page, page_text
from tests.test_srs_queue import write_topics


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Three-card topics and an empty progress database for the app under test."""
    folder = tmp_path / "content"
    write_topics(folder, cards_per_topic=2, reversible=())
    db = tmp_path / "progress.sqlite3"
    monkeypatch.setenv("STUDYAPP_DB", str(db))
    return folder, db


def review_page(monkeypatch, folder, lang="en", **state):
    at = make_app(monkeypatch, content=folder, lang=lang)
    for key, value in state.items():
        at.session_state[key] = value
    return open_page(at, "review")


def button(at, key):
    return next(b for b in at.button if b.key == key)


def labels(at) -> list[str]:
    return [b.label for b in at.button]


def test_flip_rate_and_undo(monkeypatch, env):
    folder, db = env
    at = review_page(monkeypatch, folder)
    assert not at.exception
    text = page_text(at)
    assert "Term t0-c0" in text and "용어 t0-c0" in text  # front: the term in both languages
    assert "Definition t0-c0" not in text  # ... and not the answer yet
    assert "new card" in text
    assert "0 done · 4 left" in at.get("progress")[0].proto.text

    at = button(at, "review-flip").click().run()
    assert "Definition t0-c0." in page_text(at)
    rate_labels = [b.label for b in at.button if b.key and b.key.startswith("review-rate-")]
    assert rate_labels == ["Again · 1 min", "Hard · 6 min", "Good · 10 min", "Easy · 8 d"]

    at = button(at, "review-rate-4").click().run()
    assert not at.exception
    with Store(db) as store:
        profile = store.profile_by_name("default")
        (review,) = store.reviews(profile.id)
        assert (review.card_key, review.rating) == ("t0-c0", 4)
        assert store.card_state(profile.id, "t0-c0").due > srs.utcnow() + timedelta(days=2)
    assert "1 done · 3 left" in at.get("progress")[0].proto.text
    assert "Term t0-c1" in page_text(at)  # the next card

    at = button(at, "review-undo").click().run()
    assert "Last rating undone." in page_text(at)
    assert "Term t0-c0" in page_text(at) and "0 done · 4 left" in at.get("progress")[0].proto.text
    with Store(db) as store:
        assert store.review_count(store.profile_by_name("default").id) == 0


def test_review_page_in_korean(monkeypatch, env):
    folder, _ = env
    at = review_page(monkeypatch, folder, lang="ko")
    assert "플래시카드" in page_text(at) and "새 카드" in page_text(at)
    assert "0장 완료 · 4장 남음" in at.get("progress")[0].proto.text
    at = button(at, "review-flip").click().run()
    rate_labels = [b.label for b in at.button if b.key and b.key.startswith("review-rate-")]
    assert rate_labels == ["다시 · 1분", "어려움 · 6분", "알맞음 · 10분", "쉬움 · 8일"]
    assert "정의 t0-c0." in page_text(at)


def test_keyboard_shortcuts_are_on_the_buttons(monkeypatch, env):
    folder, _ = env
    at = review_page(monkeypatch, folder)
    assert button(at, "review-flip").proto.shortcut == "space"
    at = button(at, "review-flip").click().run()
    assert [button(at, f"review-rate-{i}").proto.shortcut for i in range(1, 5)] == ["1", "2", "3", "4"]
    at = button(at, "review-rate-3").click().run()
    assert button(at, "review-undo").proto.shortcut == "u"


def test_recall_probability_shown_for_a_known_card(monkeypatch, env):
    folder, db = env
    with Store(db) as store:
        profile = store.create_profile("default")
        long_ago = srs.utcnow() - timedelta(days=30)
        srs.review_card(store, profile.id, "t1-c1", "easy", long_ago, fuzz=False)
    at = review_page(monkeypatch, folder)
    text = page_text(at)
    assert "Term t1-c1" in text  # the due card comes before the new ones
    probability = int(text.split("recall probability now ")[1].split("%")[0])
    assert 0 < probability < 90  # overdue: below the desired retention


def test_topic_filter(monkeypatch, env):
    folder, _ = env
    at = review_page(monkeypatch, folder)
    at = at.multiselect(key="review-topics").select("t1").run()
    assert "Term t1-c0" in page_text(at) and "0 done · 2 left" in at.get("progress")[0].proto.text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_empty_state_says_when_the_next_card_is_due(monkeypatch, env, lang):
    folder, db = env
    content = load_content(folder, demo_ids=[])
    with Store(db) as store:
        profile = store.create_profile("default")
        for card in srs.flashcards(content):
            srs.review_card(store, profile.id, card.key, "easy", srs.utcnow(), fuzz=False)
    at = review_page(monkeypatch, folder, lang=lang)
    assert not at.exception
    text = page_text(at)
    if lang == "en":
        assert "Nothing to review right now" in text and "The next card is due in **8 d**" in text
    else:
        assert "지금 복습할 카드가 없습니다" in text and "다음 카드는 **8일** 뒤" in text


def test_daily_new_limit_and_more_new_cards(monkeypatch, env):
    folder, db = env
    with Store(db) as store:
        profile = store.create_profile("default")
        srs.save_settings(store, profile.id, srs.Settings(new_per_day=1))
        srs.review_card(store, profile.id, "t0-c0", "easy", srs.utcnow(), fuzz=False)
    at = review_page(monkeypatch, folder)
    assert "**3** more new cards wait" in page_text(at)
    at = button(at, "more-new").click().run()
    assert "0 done · 3 left" in at.get("progress")[0].proto.text


def test_a_pin_protected_profile_stays_locked_until_its_pin(monkeypatch, env):
    folder, db = env
    with Store(db) as store:
        store.create_profile("default")
        kim = store.create_profile("Kim", pin="2580")
    at = review_page(monkeypatch, folder, profile_id=kim.id)
    assert "Choose your profile in the sidebar" in page_text(at)
    assert "Term t0-c0" not in page_text(at)
    at.text_input(key="unlock-pin").input("0000")
    at = next(b for b in at.button if b.label == "Unlock").click().run()
    assert "Wrong PIN." in [e.value for e in at.sidebar.error]
    assert "Term t0-c0" not in page_text(at)
    at.text_input(key="unlock-pin").input("2580")
    at = next(b for b in at.button if b.label == "Unlock").click().run()
    assert "Term t0-c0" in page_text(at)
    at = button(at, "review-flip").click().run()
    at = button(at, "review-rate-3").click().run()
    with Store(db) as store:
        assert store.review_count(kim.id) == 1 and store.review_count(store.profile_by_name("default").id) == 0


def test_pin_guessing_is_slowed_down(monkeypatch, env):
    folder, db = env
    with Store(db) as store:
        kim = store.create_profile("Kim", pin="2580")
    at = review_page(monkeypatch, folder, profile_id=kim.id)
    for guess in ["0000", "1111", "2222", "3333", "4444"]:
        at.text_input(key="unlock-pin").input(guess)
        at = next(b for b in at.button if b.label == "Unlock").click().run()
    at.text_input(key="unlock-pin").input("2580")  # right, but too soon after five wrong ones
    at = next(b for b in at.button if b.label == "Unlock").click().run()
    assert any("Too many wrong PINs" in e.value for e in at.sidebar.error)
    assert "Term t0-c0" not in page_text(at)


def test_creating_a_profile_in_the_sidebar(monkeypatch, env):
    folder, db = env
    at = review_page(monkeypatch, folder)
    at.text_input(key="new-profile-name").input("Jisoo")
    at.text_input(key="new-profile-pin").input("4444")
    at = next(b for b in at.button if b.label == "Create profile").click().run()
    assert not at.exception
    with Store(db) as store:
        jisoo = store.profile_by_name("Jisoo")
        assert jisoo.protected and store.check_pin(jisoo.id, "4444")
    assert at.session_state["profile_id"] == jisoo.id
    assert "Term t0-c0" in page_text(at)  # whoever set the PIN has the profile open


def test_saving_scheduler_settings(monkeypatch, env):
    folder, db = env
    at = review_page(monkeypatch, folder)
    at.slider(key="srs-retention").set_value(0.85)
    at.number_input(key="srs-new-per-day").set_value(3)
    at = next(b for b in at.button if b.label == "Save settings").click().run()
    assert not at.exception
    with Store(db) as store:
        settings = srs.load_settings(store, store.profile_by_name("default").id)
    assert settings.desired_retention == pytest.approx(0.85) and settings.new_per_day == 3
    assert "0 done · 3 left" in at.get("progress")[0].proto.text
    assert button(at, "srs-optimize").disabled  # far fewer than 512 reviews


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_statistics_page_draws_its_charts(monkeypatch, env, lang):
    folder, db = env
    with Store(db) as store:
        profile = store.create_profile("default")
        now = srs.utcnow()
        for day, rating in ((9, 4), (1, 3), (0, 1)):
            srs.review_card(store, profile.id, "t0-c0", rating, now - timedelta(days=day), fuzz=False)
        srs.review_card(store, profile.id, "gone", 3, now - timedelta(days=2), fuzz=False)  # card no longer in content
    at = make_app(monkeypatch, content=folder, lang=lang)
    at = open_page(at, "stats")
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 4
    metrics = {m.label: m.value for m in at.metric}
    if lang == "en":
        assert metrics["Streak"] == "3 days" and metrics["Reviews today"] == "1" and metrics["True retention (30 d)"] == "50%"
        assert "Cards no longer in the content (1): history kept" in page_text(at)
    else:
        assert metrics["연속 학습"] == "3일" and "통계" in page_text(at)
        assert any("콘텐츠에서 빠진 카드" in e.label for e in at.expander)
    titles = [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in charts]
    assert titles[2] == ("True retention per week" if lang == "en" else "주별 실제 기억률")


def test_statistics_without_reviews(monkeypatch, env):
    folder, _ = env
    at = open_page(make_app(monkeypatch, content=folder), "stats")
    assert not at.exception and "No reviews yet" in page_text(at)
