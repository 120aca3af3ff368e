"""Glossary search (studyapp/content/search.py): ranked exact name, then prefix, then inside a
name, then the card's text; blind to case, spaces and hyphens; the notes' own spellings find
their cards; and the Glossary page shows the hits as you type, each linking to its card."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.content import load_content
from studyapp.content.search import EXACT, IN_NAME, IN_TEXT, PREFIX, normalize, search
from tests.conftest import make_app, open_page, page_text

BUNDLED = load_content()
CARDS = BUNDLED.cards()
NAMES = [(card, name) for card in CARDS for name in card.names()]


def ids(query: str, lang: str = "en") -> list[str]:
    return [hit.card.id for hit in search(BUNDLED, query, lang)]


# --- the ranking -------------------------------------------------------------------------------


def test_exact_name_then_prefix_then_inside_a_name_then_the_text():
    hits = search(BUNDLED, "dropout", "en")
    assert hits[0].card.id == "dropout" and hits[0].rank == EXACT
    assert [hit.rank for hit in hits] == sorted(hit.rank for hit in hits)
    assert {hit.rank for hit in hits[1:]} <= {PREFIX, IN_NAME, IN_TEXT}
    over = search(BUNDLED, "overfit", "en")
    assert over[0].card.id == "overfitting" and over[0].rank == PREFIX
    assert any(hit.rank == IN_TEXT for hit in over)  # definitions that mention overfitting


@pytest.mark.parametrize("query", ["drop out", "Drop-out", "DROPOUT", "drop_out", "드롭 아웃", "드롭아웃"])
def test_spaces_hyphens_and_case_do_not_matter(query):
    assert ids(query)[0] == "dropout"


@pytest.mark.parametrize("query, card", [
    ("자비에", "xavier-initialization"), ("Glorot", "xavier-initialization"),
    ("워드 임베딩", "word-embedding"), ("다항 분류", "multiclass-classification"),
    ("쌍곡선 탄젠트", "tanh"), ("컨볼루션", "convolution-layer"), ("계층", "network-layers"),
    ("합성곱층", "convolution-layer"), ("tanh", "tanh"),
])
def test_the_notes_spellings_find_their_cards_first(query, card):
    assert ids(query, "ko")[0] == card


def test_an_empty_query_lists_every_card_once_in_the_learners_alphabet():
    for lang in ("en", "ko"):
        hits = search(BUNDLED, "   ", lang)
        assert len(hits) == len(CARDS) == len({hit.card.id for hit in hits})
        terms = [normalize(hit.card.term.get(lang)) for hit in hits]
        assert terms == sorted(terms)


def test_no_match_is_an_empty_list():
    assert search(BUNDLED, "zzqx-no-such-term", "en") == []


# --- properties over every name and any query ----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_query_gives_ranked_unique_hits_and_never_fails(query):
    hits = search(BUNDLED, query, "ko")
    assert [hit.rank for hit in hits] == sorted(hit.rank for hit in hits)
    assert len({hit.card.id for hit in hits}) == len(hits)
    assert all(hit.rank in (EXACT, PREFIX, IN_NAME, IN_TEXT) for hit in hits)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(NAMES), st.data())
def test_a_name_split_by_spaces_or_hyphens_finds_its_card_as_an_exact_hit(pair, data):
    card, name = pair
    positions = data.draw(st.sets(st.integers(0, len(name)), max_size=4))
    joiners = data.draw(st.lists(st.sampled_from([" ", "-", "  ", "_", "–"]), min_size=len(positions),
                                 max_size=len(positions)))
    broken = name
    for position, joiner in sorted(zip(positions, joiners), reverse=True):
        broken = broken[:position] + joiner + broken[position:]
    if data.draw(st.booleans()):
        broken = broken.upper()
    hits = search(BUNDLED, broken, "en")
    assert card.id in [hit.card.id for hit in hits if hit.rank == EXACT]
    assert hits[0].rank == EXACT


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(NAMES), st.data())
def test_the_start_of_a_name_finds_its_card_no_lower_than_prefix(pair, data):
    card, name = pair
    if not normalize(name):
        return
    cut = data.draw(st.integers(1, len(name)))
    start = name[:cut]
    if not normalize(start):
        return
    found = {hit.card.id: hit.rank for hit in search(BUNDLED, start, "ko")}
    assert found.get(card.id, 99) <= PREFIX


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20))
def test_normalizing_is_idempotent_and_drops_every_space(text):
    once = normalize(text)
    assert normalize(once) == once and " " not in once and "-" not in once


# --- the page ------------------------------------------------------------------------------------


def glossary(monkeypatch, lang="en"):
    return open_page(make_app(monkeypatch, lang=lang), "glossary")


def test_the_page_shows_hits_as_you_type_best_first_with_links(monkeypatch):
    at = glossary(monkeypatch)
    assert not at.exception
    assert len(at.expander) >= 30  # no query: every term (the first ones)
    at.text_input(key="glossary-query").input("drop out").run()
    assert not at.exception
    assert at.expander[0].label.startswith("Dropout — 드롭아웃")
    links = at.get("page_link")
    assert (links[0].proto.page, links[0].proto.query_string) == ("topic-overfitting", "card=dropout")


def test_the_korean_page_finds_a_notes_spelling_and_links_with_the_language(monkeypatch):
    at = glossary(monkeypatch, "ko")
    at.text_input(key="glossary-query").input("자비에").run()
    assert not at.exception
    assert at.expander[0].label.startswith("Xavier 초기화")
    assert "다른 이름: 자비에 초기화" in page_text(at)
    link = at.get("page_link")[0].proto
    assert (link.page, link.query_string) == ("topic-normalization", "card=xavier-initialization&lang=ko")


def test_no_match_says_so(monkeypatch):
    at = glossary(monkeypatch)
    at.text_input(key="glossary-query").input("zzqx").run()
    assert "No term matches “zzqx”." in page_text(at)


def test_a_query_that_matches_nothing_is_echoed_as_typed_not_as_markdown(monkeypatch):
    at = glossary(monkeypatch)
    at.text_input(key="glossary-query").input("[prize](http://evil.example) **bold**").run()
    shown = at.warning[0].value
    assert "\\[prize\\]" in shown and "\\*\\*bold\\*\\*" in shown  # escaped: no link, no bold


def test_a_link_opens_the_topic_with_its_card_first(monkeypatch):
    at = make_app(monkeypatch, lang="ko")
    at.query_params["card"] = "dropout"
    at = open_page(at, "topic-overfitting")
    assert not at.exception
    text = page_text(at)
    assert "찾아본 카드" in text and text.index("찾아본 카드") < text.index("#### 드롭아웃")


def test_a_korean_name_that_holds_its_english_one_is_not_followed_by_it_again(monkeypatch):
    at = glossary(monkeypatch, "ko")
    at.text_input(key="glossary-query").input("컨볼루션").run()
    assert at.expander[0].label.startswith("합성곱층 (Convolution layer)  ·  ")
    at.text_input(key="glossary-query").input("드롭아웃").run()
    assert at.expander[0].label.startswith("드롭아웃 — Dropout  ·  ")
