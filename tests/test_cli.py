"""The `studyapp` command, run as a user would run it (a subprocess of this Python)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def studyapp(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    full_env = {**os.environ, "STUDYAPP_DEVICE": "cpu", **(env or {})}
    full_env.pop("STUDYAPP_CONTENT", None) if env is None or "STUDYAPP_CONTENT" not in env else None
    return subprocess.run([sys.executable, "-m", "studyapp", *args], capture_output=True, text=True,
                          cwd=ROOT, env=full_env, timeout=120)


def test_validate_bundled_content_passes():
    done = studyapp("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK: ")


def test_validate_json_counts_fixture(valid_content):
    done = studyapp("validate", str(valid_content), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["topics"] == 2 and summary["cards"] == 2 and summary["questions"] == 2
    assert summary["questions_by_type"]["single_choice"] == 1
    assert summary["questions_by_type"]["true_false"] == 1
    assert summary["demos_linked"] == ["overfitting"]


def test_validate_broken_folder_exits_1_with_path_line(broken_content):
    done = studyapp("validate", str(broken_content))
    assert done.returncode == 1
    assert "tests/fixtures/broken/gamma.yaml:6: cards[0].term.ko: required field is missing" in done.stdout


def test_content_option_and_env_are_honoured(valid_content, broken_content):
    assert studyapp("validate", "--content", str(broken_content)).returncode == 1
    assert studyapp("validate", env={"STUDYAPP_CONTENT": str(valid_content)}).returncode == 0


def test_schema_describes_topic_files(tmp_path):
    out = tmp_path / "schema.json"
    assert studyapp("schema", "--out", str(out)).returncode == 0
    schema = json.loads(out.read_text())
    assert {"id", "title", "summary", "cards"} <= set(schema["required"])
    assert "questions" in schema["properties"]


def test_demo_list_json_names_overfitting():
    done = studyapp("demo", "list", "--json")
    assert done.returncode == 0, done.stderr
    demos = {d["id"]: d for d in json.loads(done.stdout)}
    assert "dropout" in {p["name"] for p in demos["overfitting"]["params"]}


def test_demo_run_json_reports_what_it_computed():
    done = studyapp("demo", "run", "overfitting", "--set", "epochs=20", "--set", "hidden=16", "--seed", "3",
                    "--device", "cpu", "--json")
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert run["demo"] == "overfitting" and run["device"] == "cpu" and run["seed"] == 3
    assert run["params"]["epochs"] == 20 and run["params"]["hidden"] == 16
    assert run["seconds"] > 0
    assert 0.0 <= run["metrics"]["plain_val_acc"] <= 1.0


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("nope=1", "unknown parameter 'nope'"),
        ("epochs=1", "epochs: 1 is below the minimum 10"),
        ("lr=fast", "lr: expected float, got 'fast'"),
        ("early_stopping=maybe", "early_stopping: expected bool"),
        ("dropout", "expected KEY=VALUE"),
    ],
)
def test_bad_set_is_one_clear_line_and_exit_2(setting, message):
    done = studyapp("demo", "run", "overfitting", "--set", setting)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studyapp: ") and message in lines[0]


def test_unknown_demo_and_unavailable_device_exit_2():
    assert "unknown demo 'nope'" in studyapp("demo", "run", "nope").stderr
    done = studyapp("demo", "run", "overfitting", "--device", "cuda") if not _has_cuda() else None
    if done is not None:
        assert done.returncode == 2 and "no CUDA GPU" in done.stderr


def _has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def test_bench_json_with_threads_and_its_bad_arguments():
    done = studyapp("bench", "overfitting", "--repeats", "1", "--threads", "1", "--json", "--no-cold")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert row["demo"] == "overfitting" and row["threads"] == 1 and row["seconds"] > 0
    assert row["engine"] is False and row["agrees"] is None and row["cold_seconds"] is None
    for bad, message in ((("--threads", "0"), "--threads must be at least 1"),
                         (("--repeats", "0"), "--repeats must be at least 1"),
                         (("nope",), "unknown demo 'nope'")):
        done = studyapp("bench", *bad)
        assert done.returncode == 2 and message in done.stderr
