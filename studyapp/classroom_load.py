"""`studyapp classroom load-test`: a live class under load, in real browsers.

It serves the app on a fresh progress file, starts a session with Q questions a class can vote
on (from the bundled topics), opens the teacher's page, the projector (1280x720) and N students
(phones), each in its own headless chromium context (its own Streamlit session), and for each
question: the teacher presses Next, every student's page follows, every student taps an
option. It measures

* answer-to-projector latency: for the k-th answer of a question (in the order the taps were
  made), the time from that tap to the projector first showing at least k answers (the
  projector is read between taps and then every 50 ms until everyone's answer shows);
* lost answers: taps that never reached the progress file, and any the projector never showed;
* the server's CPU: seconds of CPU (the server and its children) over the answering, and that
  as a share of one core and of the machine.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

from studyapp.headless import CHROMIUM, serve_app, wait_until_idle

TARGET_P95 = 2.0  # seconds, on the 2-core machine
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
OPTION = re.compile(r"^[A-Z] · ")
PAGES_PER_BROWSER = 4


@dataclass
class LoadResult:
    students: int
    questions: int
    p50_seconds: float | None
    p95_seconds: float | None
    max_seconds: float | None
    lost_answers: int
    answers_sent: int
    answers_stored: int
    server_cpu_seconds: float
    server_cpu_percent_of_one_core: float
    server_cpu_percent_of_machine: float
    cores: int
    wall_seconds: float
    latencies: list[float] = field(default_factory=list)


def pick_questions(topics, count: int, *, generators) -> list[tuple[str, object]]:
    """`count` questions a class answers with one tap (a vote of one option, graded on its own)."""
    from studyapp import classroom
    from studyapp.quiz.session import make_item

    picks = []
    for topic_id, question in classroom.class_questions(topics):
        item = make_item(topic_id, question, seed=0, generators=generators)
        vote = question.vote(item)
        if vote is not None and not vote.many and item.right_answer() is not None:
            picks.append((topic_id, question))
        if len(picks) == count:
            return picks
    raise ValueError(f"the bundled topics have only {len(picks)} one-tap class questions, not {count}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(_children(p))
    return pids


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds of these processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _server_pids(port: str) -> list[int]:
    """The app server this process started (serve_app's child on `port`) and its children."""
    for pid in _children(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if port.encode() in command:
            return _tree(pid)
    return []


def _count(projector) -> int | None:
    text = projector.locator(".st-key-class-count").first.inner_text(timeout=5_000)
    digits = re.search(r"\d+", text)
    return int(digits.group()) if digits else None


def latencies_of(taps: list[float], seen: list[tuple[float, int]]) -> tuple[list[float], int]:
    """Per answer (the k-th tap), seconds until the projector first showed at least k answers;
    and how many taps it never showed."""
    result, unseen = [], 0
    for k, tapped in enumerate(sorted(taps), start=1):
        shown = next((when for when, n in seen if n >= k and when >= tapped), None)
        if shown is None:
            unseen += 1
        else:
            result.append(shown - tapped)
    return result, unseen


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[rank]


def run_load(students: int, questions: int, *, seed: int = 0, log=sys.stderr) -> LoadResult:
    from demos.generators import GENERATORS

    from studyapp import classroom
    from studyapp.content import load_content
    from studyapp.srs import utcnow
    from studyapp.store import Store

    rng = random.Random(seed)
    picks = pick_questions(load_content().topics, questions, generators=GENERATORS)
    db = Path(tempfile.mkdtemp(prefix="studyapp-load-")) / "progress.sqlite3"
    with Store(db) as store:
        session, key = classroom.start_session(store, now=utcnow(), rng=random.SystemRandom())
        classroom.add_questions(store, session, key, picks, seed=seed, generators=GENERATORS)
    room = session.code

    def say(text: str) -> None:
        print(text, file=log, flush=True)

    all_latencies: list[float] = []
    unseen_total = sent = 0
    with ExitStack() as stack:
        url = stack.enter_context(serve_app({"STUDYAPP_DB": str(db)}))
        pids = _server_pids(url.rsplit(":", 1)[1])
        from playwright.sync_api import sync_playwright

        if not Path(CHROMIUM).exists():
            raise FileNotFoundError(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
        playwright = stack.enter_context(sync_playwright())  # one driver, several chromiums
        browsers: list = []

        def page_at(viewport, address):
            # A few pages per chromium: one chromium holding many pages of the same server
            # stalled loading the sixth or seventh (its connections per server run out).
            opened = sum(len(b.contexts) for b in browsers)
            if opened % PAGES_PER_BROWSER == 0:
                browsers.append(playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                           args=["--no-sandbox", "--disable-gpu",
                                                                 "--disable-dev-shm-usage"]))
                stack.callback(browsers[-1].close)
            page = browsers[-1].new_context(viewport=viewport).new_page()
            page.set_default_timeout(120_000)
            page.goto(address)
            return page

        say(f"room {room}: the teacher and the projector...")
        teacher = page_at({"width": 1280, "height": 900}, f"{url}/teach?room={room}&key={key}")
        teacher.get_by_role("button", name=re.compile("Next question")).wait_for()
        projector = page_at(PROJECTOR, f"{url}/present?room={room}")
        projector.get_by_text(f"Room {room}").first.wait_for()
        pupils = []
        for i in range(students):
            pupil = page_at(PHONE, f"{url}/join?room={room}")
            pupil.locator(".st-key-class-join-name input").fill(f"S{i + 1}")
            pupil.get_by_role("button", name="Join").click()
            pupil.get_by_text(f"you are S{i + 1}").wait_for()
            pupils.append(pupil)
            say(f"joined {i + 1}/{students}")
        projector.get_by_text(f"{students} joined").first.wait_for()

        start_cpu, start = _cpu_seconds(pids), time.perf_counter()
        for number in range(1, questions + 1):
            wait_until_idle(teacher)
            teacher.get_by_role("button", name=re.compile("Next question")).click()
            for pupil in pupils:  # each page follows the teacher by itself
                pupil.get_by_text(re.compile(rf"^{number}\. ")).first.wait_for()
                pupil.get_by_role("button", name=OPTION).first.wait_for()
            projector.get_by_text(re.compile(rf"^{number}\. ")).first.wait_for()
            deadline = time.perf_counter() + 60
            while _count(projector) != 0 and time.perf_counter() < deadline:  # the new question's tally
                projector.wait_for_timeout(50)
            say(f"question {number}: everyone sees it; answering...")
            taps, seen = [], []
            for pupil in pupils:
                buttons = pupil.get_by_role("button", name=OPTION)
                choice = buttons.nth(rng.randrange(buttons.count()))
                taps.append(time.perf_counter())
                choice.click()
                sent += 1
                seen.append((time.perf_counter(), _count(projector) or 0))
            deadline = time.perf_counter() + 30
            while seen[-1][1] < students and time.perf_counter() < deadline:
                projector.wait_for_timeout(50)
                seen.append((time.perf_counter(), _count(projector) or 0))
            found, unseen = latencies_of(taps, seen)
            all_latencies += found
            unseen_total += unseen
            say(f"question {number}: {seen[-1][1]}/{students} on the projector; "
                f"p95 so far {percentile(all_latencies, 0.95) or 0:.2f} s")
        wall = time.perf_counter() - start
        cpu = _cpu_seconds(pids) - start_cpu

    with Store(db) as store:
        stored = len(store.class_answers(session.id))
    cores = os.cpu_count() or 1
    return LoadResult(
        students=students, questions=questions,
        p50_seconds=percentile(all_latencies, 0.5), p95_seconds=percentile(all_latencies, 0.95),
        max_seconds=max(all_latencies) if all_latencies else None,
        lost_answers=max(sent - stored, unseen_total), answers_sent=sent, answers_stored=stored,
        server_cpu_seconds=cpu, server_cpu_percent_of_one_core=100 * cpu / wall,
        server_cpu_percent_of_machine=100 * cpu / wall / cores, cores=cores, wall_seconds=wall,
        latencies=sorted(all_latencies))


def load_test(students: int, questions: int, *, as_json: bool = False, seed: int = 0) -> int:
    result = run_load(students, questions, seed=seed)
    if as_json:
        print(json.dumps(asdict(result), indent=2))
    else:
        def seconds(value):
            return "-" if value is None else f"{value:.2f} s"

        print(f"{result.students} students, {result.questions} questions, {result.answers_sent} answers sent, "
              f"{result.answers_stored} stored")
        print(f"answer-to-projector latency: p50 {seconds(result.p50_seconds)}, p95 {seconds(result.p95_seconds)}, "
              f"max {seconds(result.max_seconds)} (goal: p95 <= {TARGET_P95:.0f} s)")
        print(f"lost answers: {result.lost_answers}")
        print(f"server CPU: {result.server_cpu_seconds:.1f} s over {result.wall_seconds:.1f} s = "
              f"{result.server_cpu_percent_of_one_core:.0f}% of one core, "
              f"{result.server_cpu_percent_of_machine:.0f}% of {result.cores} cores")
    return 0
