"""The landscape topic page (issue 13, item 4) renders in both languages through AppTest:
title, every card's term, and no demo form (the topic has none)."""

from __future__ import annotations

import pytest

from studyapp.content import load_content
from tests.conftest import make_app, open_page, page_text

TOPIC = load_content().topic("landscape")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_landscape_page_renders(monkeypatch, lang):
    at = open_page(make_app(monkeypatch, lang=lang), "topic-landscape")
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    text = page_text(at)
    assert TOPIC.title.get(lang) in text
    for card in TOPIC.cards:
        assert card.term.get(lang) in text
    assert not any(b.label in ("Run demo", "데모 실행") for b in at.button)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_landscape_is_first_on_home(monkeypatch, lang):
    at = make_app(monkeypatch, lang=lang).run()
    assert not at.exception
    text = page_text(at)
    positions = {t.id: text.find(t.title.get(lang)) for t in load_content().topics}
    assert all(p >= 0 for p in positions.values())
    assert positions["landscape"] == min(positions.values())
