"""Flashcards from content and the daily queue: due first, then new up to the limit."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from studyapp import srs
from studyapp.content import load_content
from studyapp.srs.deck import LEARN_AHEAD
from studyapp.store import CardState

NOW = datetime(2025, 2, 10, 12, 0, tzinfo=timezone.utc)


def write_topics(folder, cards_per_topic=3, reversible=("t1-c0",)):
    folder.mkdir(exist_ok=True)
    for t in range(2):
        lines = [f"id: t{t}", f"order: {t}", f"title: {{en: Topic {t}, ko: 주제 {t}}}",
                 "summary: {en: S., ko: 요약.}", "cards:"]
        for c in range(cards_per_topic):
            cid = f"t{t}-c{c}"
            lines += [f"  - id: {cid}", f"    term: {{en: Term {cid}, ko: 용어 {cid}}}",
                      f"    definition: {{en: Definition {cid}., ko: 정의 {cid}.}}"]
            if cid in reversible:
                lines.append("    reversible: true")
        (folder / f"t{t}.yaml").write_text("\n".join(lines) + "\n")
    content = load_content(folder, demo_ids=[])
    assert not content.errors, content.errors
    return content


def learned(key, due, kind=2):
    return CardState(key, kind, None if kind == 2 else 0, 5.0, 5.0, due, due - timedelta(days=3), reps=2)


def test_flashcards_keys_and_reversed_variants(tmp_path):
    content = write_topics(tmp_path / "c")
    keys = [f.key for f in srs.flashcards(content)]
    assert keys == ["t0-c0", "t0-c1", "t0-c2", "t1-c0", "t1-c0:reverse", "t1-c1", "t1-c2"]
    assert "t1-c0:reverse" not in [f.key for f in srs.flashcards(content, include_reversed=False)]
    assert srs.split_key("t1-c0:reverse") == ("t1-c0", True) and srs.card_key("a", True) == "a:reverse"


def test_due_cards_come_first_oldest_first_then_new_up_to_the_limit(tmp_path):
    cards = srs.flashcards(write_topics(tmp_path / "c"))
    states = {
        "t0-c1": learned("t0-c1", NOW - timedelta(hours=1)),
        "t1-c2": learned("t1-c2", NOW - timedelta(days=2)),
        "t1-c1": learned("t1-c1", NOW + timedelta(days=4)),  # not due yet
    }
    queue = srs.build_queue(cards, states, NOW, new_limit=2)
    assert [f.key for f in queue.due] == ["t1-c2", "t0-c1"]
    assert [f.key for f in queue.new] == ["t0-c0", "t0-c2"]  # content order, limit 2
    assert queue.new_waiting == 3  # t0-c0, t0-c2, t1-c0 (the reversed card waits for its forward card)
    assert queue.next_due == NOW + timedelta(days=4)
    assert [f.key for f in queue.cards] == ["t1-c2", "t0-c1", "t0-c0", "t0-c2"]


def test_new_cards_already_seen_today_use_up_the_limit(tmp_path):
    cards = srs.flashcards(write_topics(tmp_path / "c"))
    assert len(srs.build_queue(cards, {}, NOW, new_limit=5, new_seen_today=4).new) == 1
    queue = srs.build_queue(cards, {}, NOW, new_limit=5, new_seen_today=9)
    assert queue.new == [] and queue.new_left_today == 0 and queue.new_waiting == 6


def test_topic_filter(tmp_path):
    cards = srs.flashcards(write_topics(tmp_path / "c"))
    states = {"t0-c1": learned("t0-c1", NOW - timedelta(hours=1))}
    queue = srs.build_queue(cards, states, NOW, new_limit=10, topics=["t1"])
    assert {f.topic_id for f in queue.cards} == {"t1"}
    assert [f.key for f in queue.new] == ["t1-c0", "t1-c1", "t1-c2"]


def test_reversed_card_is_introduced_after_its_forward_card_is_learned(tmp_path):
    cards = srs.flashcards(write_topics(tmp_path / "c"))
    learning = {"t1-c0": learned("t1-c0", NOW + timedelta(minutes=5), kind=1)}
    assert "t1-c0:reverse" not in [f.key for f in srs.build_queue(cards, learning, NOW, new_limit=99).new]
    graduated = {"t1-c0": learned("t1-c0", NOW + timedelta(days=3))}
    assert "t1-c0:reverse" in [f.key for f in srs.build_queue(cards, graduated, NOW, new_limit=99).new]


def test_learning_cards_are_offered_early_only_when_nothing_else_is_left(tmp_path):
    cards = srs.flashcards(write_topics(tmp_path / "c", cards_per_topic=1, reversible=()))
    states = {
        "t0-c0": learned("t0-c0", NOW + timedelta(minutes=8), kind=1),  # learning step due soon
        "t1-c0": learned("t1-c0", NOW + timedelta(days=2)),
    }
    queue = srs.build_queue(cards, states, NOW, new_limit=10)
    assert [f.key for f in queue.ahead] == ["t0-c0"] and queue.next_due == NOW + timedelta(days=2)
    later = {**states, "t0-c0": learned("t0-c0", NOW + LEARN_AHEAD + timedelta(minutes=1), kind=1)}
    queue = srs.build_queue(cards, later, NOW, new_limit=10)
    assert not queue and queue.next_due == NOW + LEARN_AHEAD + timedelta(minutes=1)


def test_removed_cards_keep_their_history_and_are_listed(tmp_path):
    cards = srs.flashcards(write_topics(tmp_path / "c"))
    states = {"t0-c0": learned("t0-c0", NOW), "gone-card": learned("gone-card", NOW - timedelta(days=1))}
    assert srs.orphaned_keys(cards, states) == ["gone-card"]
    queue = srs.build_queue(cards, states, NOW, new_limit=0)
    assert [f.key for f in queue.due] == ["t0-c0"]  # a removed card is never asked


def test_empty_queue_reports_the_next_due_card(tmp_path):
    cards = srs.flashcards(write_topics(tmp_path / "c", cards_per_topic=1, reversible=()))
    states = {f.key: learned(f.key, NOW + timedelta(days=i + 1)) for i, f in enumerate(cards)}
    queue = srs.build_queue(cards, states, NOW, new_limit=10)
    assert not queue and len(queue) == 0 and queue.next_due == NOW + timedelta(days=1)


def test_editing_a_cards_text_keeps_its_progress(tmp_path):
    from studyapp.store import Store

    folder = tmp_path / "c"
    write_topics(folder)
    with Store(tmp_path / "p.sqlite3") as store:
        profile = store.create_profile("p")
        srs.review_card(store, profile.id, "t0-c1", "easy", NOW - timedelta(days=30), fuzz=False)
        topic_file = folder / "t0.yaml"
        topic_file.write_text(topic_file.read_text().replace("Term t0-c1", "A better term")
                              .replace("Definition t0-c1.", "A rewritten definition."))
        edited = load_content(folder, demo_ids=[])
        queue = srs.build_queue(srs.flashcards(edited), store.card_states(profile.id), NOW, new_limit=0)
    assert [(f.key, f.card.term.en) for f in queue.due] == [("t0-c1", "A better term")]


def test_study_queue_is_what_pages_and_commands_build(tmp_path):
    """One function for the Flashcards page, the Statistics page and `studyapp stats`: the
    profile's settings, today's new cards already seen, the chosen topics, extra new cards."""
    from studyapp.store import Store

    content = write_topics(tmp_path / "c", cards_per_topic=3, reversible=())
    with Store(tmp_path / "p.sqlite3") as store:
        profile = store.create_profile("p")
        srs.save_settings(store, profile.id, srs.Settings(new_per_day=2, include_reversed=False))
        srs.review_card(store, profile.id, "t0-c0", "good", NOW - timedelta(hours=1), fuzz=False)  # one new card today
        today = srs.study_queue(store, profile.id, content, NOW)
        assert today.settings.new_per_day == 2 and len(today.cards) == 6 and set(today.states) == {"t0-c0"}
        assert [f.key for f in today.queue.new] == ["t0-c1"]  # 2 a day, one already seen today
        assert [f.key for f in srs.study_queue(store, profile.id, content, NOW, topics=["t1"]).queue.new] == ["t1-c0"]
        more = srs.study_queue(store, profile.id, content, NOW, topics=["t1"], extra_new=10)
        assert [f.key for f in more.queue.new] == ["t1-c0", "t1-c1", "t1-c2"] and more.selected(["t1"]) == 3

        report = srs.report(store, profile.id, content, NOW)
        assert report.numbers["reviews_total"] == 1 and report.numbers["new_today"] == 1
        assert report.removed() == [] and sum(n for _, n in report.forecast()) == 1
        assert {m.topic_id for m in report.mastery()} == {"t0", "t1"}
        srs.review_card(store, profile.id, "gone-card", "good", NOW - timedelta(days=2), fuzz=False)
        assert srs.report(store, profile.id, content, NOW).removed() == [("gone-card", 1)]
