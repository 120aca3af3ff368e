"""Term cards for Korean learners: Korean term -> English term and back, a setting per profile;
each side keyed by a stable id, introduced after its term is learned, its progress kept when
the setting is switched off."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from studyapp import srs
from studyapp.content import load_content
from studyapp.srs.deck import card_id, has_korean_name, without_other_script
from studyapp.store import Store
from tests.conftest import make_app, open_page, page_text
from tests.test_srs_queue import NOW, learned, write_topics

BUNDLED = load_content()


def test_term_cards_have_keys_of_their_own_and_only_when_asked_for(tmp_path):
    content = write_topics(tmp_path / "c", cards_per_topic=1, reversible=())
    assert [f.key for f in srs.flashcards(content)] == ["t0-c0", "t1-c0"]
    cards = srs.flashcards(content, term_cards=True)
    assert [f.key for f in cards] == ["t0-c0", "t0-c0:ko-en", "t0-c0:en-ko", "t1-c0", "t1-c0:ko-en", "t1-c0:en-ko"]
    assert [card_id(f.key) for f in cards] == ["t0-c0"] * 3 + ["t1-c0"] * 3
    ko_en = cards[1]
    assert (ko_en.shown_term(), ko_en.asked_term()) == ("용어 t0-c0", "Term t0-c0") and not ko_en.forward
    assert (cards[2].shown_term(), cards[2].asked_term()) == ("Term t0-c0", "용어 t0-c0")


def test_a_term_card_waits_until_its_term_is_learned(tmp_path):
    cards = srs.flashcards(write_topics(tmp_path / "c", cards_per_topic=1, reversible=()), term_cards=True)
    queue = srs.build_queue(cards, {}, NOW, new_limit=10)
    assert [f.key for f in queue.new] == ["t0-c0", "t1-c0"]
    learning = {"t0-c0": learned("t0-c0", NOW + timedelta(days=3), kind=1)}
    assert "t0-c0:ko-en" not in [f.key for f in srs.build_queue(cards, learning, NOW, new_limit=10).new]
    graduated = {"t0-c0": learned("t0-c0", NOW + timedelta(days=3))}
    assert [f.key for f in srs.build_queue(cards, graduated, NOW, new_limit=10).new] == [
        "t0-c0:ko-en", "t0-c0:en-ko", "t1-c0"]


def test_the_question_side_never_holds_the_answer_in_parentheses():
    assert without_other_script("단어 임베딩 (Word embedding)", "ko") == "단어 임베딩"
    assert without_other_script("쌍곡탄젠트 (tanh)", "ko") == "쌍곡탄젠트"
    assert without_other_script("1×1 합성곱 (점별 합성곱)", "ko") == "1×1 합성곱 (점별 합성곱)"  # a Korean gloss stays
    assert without_other_script("Xavier (Glorot) initialization", "en") == "Xavier (Glorot) initialization"
    cards = [f for f in srs.flashcards(BUNDLED, include_reversed=False, term_cards=True) if f.translate == "ko-en"]
    assert len(cards) > 100
    for f in cards:  # the English term (outside its parentheses) is not on the Korean side
        english = re.sub(r"\s*\([^)]*\)", "", f.card.term.en).casefold()
        assert english not in f.shown_term().casefold(), f.key


def test_terms_whose_korean_name_is_the_english_one_get_no_term_cards():
    by_id = {card.id: card for card in BUNDLED.cards()}
    assert not has_korean_name(by_id["adam"]) and not has_korean_name(by_id["mnist"])
    assert has_korean_name(by_id["dropout"]) and has_korean_name(by_id["word-embedding"])


def test_the_setting_is_kept_per_profile_and_read_leniently():
    settings = srs.Settings(term_cards=True)
    assert srs.Settings.from_dict(settings.to_dict()).term_cards is True
    assert srs.Settings.from_dict({}).term_cards is False
    assert srs.Settings.from_dict({"term_cards": 1}).term_cards is True


def test_switching_term_cards_off_keeps_their_progress(tmp_path):
    content = write_topics(tmp_path / "c", cards_per_topic=1, reversible=())
    with Store(tmp_path / "p.sqlite3") as store:
        profile = store.create_profile("ko")
        srs.save_settings(store, profile.id, srs.Settings(term_cards=True))
        srs.review_card(store, profile.id, "t0-c0", srs.Rating.Easy, NOW, fuzz=False)
        srs.review_card(store, profile.id, "t0-c0:ko-en", srs.Rating.Good, NOW, fuzz=False)
        on = srs.report(store, profile.id, content, NOW + timedelta(minutes=1))
        assert "t0-c0:ko-en" in {c.key for c in on.study.cards}
        srs.save_settings(store, profile.id, srs.Settings(term_cards=False))
        off = srs.report(store, profile.id, content, NOW + timedelta(minutes=1))
        assert "t0-c0:ko-en" not in {c.key for c in off.study.cards}
        assert off.numbers["removed_cards_with_history"] == []  # switched off, not gone
        srs.save_settings(store, profile.id, srs.Settings(term_cards=True))
        assert store.card_state(profile.id, "t0-c0:ko-en").reps == 1  # back, with its history


@pytest.mark.parametrize("lang, question", [("ko", "영어 용어는 무엇입니까?"), ("en", "The English term?")])
def test_the_flashcards_page_asks_a_korean_term_for_its_english_one(monkeypatch, tmp_path, lang, question):
    folder = tmp_path / "content"
    write_topics(folder, cards_per_topic=1, reversible=())
    db = tmp_path / "progress.sqlite3"
    monkeypatch.setenv("STUDYAPP_DB", str(db))
    with Store(db) as store:
        profile = store.create_profile("default")
        srs.save_settings(store, profile.id, srs.Settings(term_cards=True, new_per_day=20))
        for key in ("t0-c0", "t1-c0"):  # both terms learned: their term cards are next
            srs.review_card(store, profile.id, key, srs.Rating.Easy, srs.utcnow() - timedelta(days=1), fuzz=False)
    at = open_page(make_app(monkeypatch, content=folder, lang=lang), "review")
    assert not at.exception
    text = page_text(at)
    assert question in text and "## 용어 t0-c0" in text and "Term t0-c0" not in text
    at = next(b for b in at.button if b.key == "review-flip").click().run()
    assert "## Term t0-c0" in page_text(at)
    assert ("한국어 → 영어" if lang == "ko" else "Korean → English") in page_text(at)


def test_every_term_card_kind_has_its_words():
    from studyapp.srs.deck import TRANSLATIONS
    from studyapp.ui.strings import CATALOGUES

    for kind in TRANSLATIONS:
        for catalogue in CATALOGUES.values():
            assert f"term_card_{kind}" in catalogue and f"term_card_question_{kind}" in catalogue
