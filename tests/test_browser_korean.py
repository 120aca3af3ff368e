"""The learner's Korean in a real browser: the glossary found as you type (the notes' own
spellings too) and its link to the card's topic, lines that wrap between words, Korean term
cards, and Plotly handed its Korean words. Screenshots in test-artifacts/ (*-ko.png)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studyapp import srs
from studyapp.store import Store
from tests.browser import ARTIFACTS, browser_page, require_chromium, running_app, wait_until_idle
from tests.test_srs_queue import write_topics

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url():
    require_chromium()
    with running_app() as url:
        yield url


def test_the_korean_glossary_finds_as_you_type_and_opens_the_card(app_url):
    with browser_page() as page:
        page.goto(f"{app_url}/glossary?lang=ko")
        page.get_by_role("heading", name="용어집").wait_for()
        wait_until_idle(page)
        search = page.get_by_placeholder("dropout, 드롭아웃, Xavier, …")
        search.click()
        search.press_sequentially("컨볼루션", delay=80)  # the notes' spelling of 합성곱: an alias
        first = page.locator('[data-testid="stMain"] [data-testid="stExpander"] summary').first
        first.get_by_text("합성곱층 (Convolution layer)  ·  합성곱 신경망 (CNN)").wait_for()  # English once
        page.get_by_text("다른 이름: 컨볼루션").first.wait_for()
        wait_until_idle(page)
        page.screenshot(path=str(ARTIFACTS / "glossary-search-ko.png"), full_page=False)

        search.fill("")
        search.press_sequentially("드롭 아웃", delay=80)  # a space inside the name: still the exact hit
        first.get_by_text("드롭아웃 — Dropout").wait_for()
        wait_until_idle(page)
        page.get_by_role("link", name="“과적합과 그 예방법”에서 이 카드 보기").first.click()
        page.get_by_text("찾아본 카드").first.wait_for()
        wait_until_idle(page)
        assert "lang=ko" in page.url and "card=dropout" in page.url
        assert page.get_by_role("heading", name="과적합과 그 예방법").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "glossary-card-on-topic-ko.png"), full_page=False)

    with browser_page(width=420, height=900) as page:  # a phone: long Korean lines must wrap
        page.goto(f"{app_url}/topic-overfitting?lang=ko")
        page.get_by_role("heading", name="과적합과 그 예방법").first.wait_for()
        wait_until_idle(page)
        # The line-break style is a page element of its own; in a server that already has
        # sessions it can land a moment after the page reads idle.
        page.wait_for_function("() => [...document.querySelectorAll('style')]"
                               ".some(s => s.textContent.includes('keep-all'))")
        page.screenshot(path=str(ARTIFACTS / "topic-narrow-ko.png"), full_page=False)
        lines, inside = page.evaluate(BREAKS, '[data-testid="stMain"] p')
        assert lines > 30  # the paragraphs did wrap, many times
        assert inside == []  # ...and always between words


# Where the paragraphs' lines break: (line breaks seen, those inside a word). A line starts
# where a character sits lower than the one before it; that one must be a space (or a hyphen
# or a slash, where English breaks too).
BREAKS = """selector => {
  let lines = 0; const inside = [];
  for (const p of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let previous = null, top = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.katex, code')) continue;
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        const box = range.getClientRects()[0];
        if (!box || !node.data[i].trim()) { previous = node.data[i]; continue; }
        if (top !== null && box.top > top + 2) {
          lines++;
          if (previous !== null && previous.trim() && !'-/'.includes(previous))
            inside.push(node.data.slice(Math.max(0, i - 6), i) + '|' + node.data.slice(i, i + 6));
        }
        top = box.top; previous = node.data[i];
      }
    }
  }
  return [lines, inside];
}"""


@pytest.fixture(scope="module")
def term_cards(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("term-cards")
    folder = tmp / "content"
    write_topics(folder, cards_per_topic=1, reversible=())
    db = tmp / "progress.sqlite3"
    with Store(db) as store:
        profile = store.create_profile("default")
        srs.save_settings(store, profile.id, srs.Settings(term_cards=True, new_per_day=20))
        for key in ("t0-c0", "t1-c0"):  # both terms learned: their term cards are next
            srs.review_card(store, profile.id, key, srs.Rating.Easy, srs.utcnow() - timedelta(days=1), fuzz=False)
    with running_app(env={"STUDYAPP_DB": str(db), "STUDYAPP_CONTENT": str(folder)}) as url:
        yield url


def test_a_korean_term_card_asks_for_the_english_term(term_cards):
    with browser_page() as page:
        page.goto(f"{term_cards}/review?lang=ko")
        page.get_by_text("영어 용어는 무엇입니까?").first.wait_for()
        page.get_by_role("heading", name="용어 t0-c0").wait_for()
        assert page.get_by_text("Term t0-c0").count() == 0  # the answer stays hidden
        wait_until_idle(page)
        page.screenshot(path=str(ARTIFACTS / "term-card-question-ko.png"), full_page=False)
        page.get_by_role("button", name="정답 보기").click()
        page.get_by_role("heading", name="Term t0-c0").wait_for()
        page.get_by_text("한국어 → 영어").first.wait_for()
        wait_until_idle(page)
        page.screenshot(path=str(ARTIFACTS / "term-card-answer-ko.png"), full_page=False)

        # Plotly gets its own words in Korean with each chart (the statistics page's charts)
        page.get_by_role("link", name="통계").click()
        page.locator(".js-plotly-plot").first.wait_for()
        wait_until_idle(page)
        assert page.evaluate("document.querySelector('.js-plotly-plot')._context.locale") == "ko"
        page.screenshot(path=str(ARTIFACTS / "statistics-ko.png"), full_page=True)
