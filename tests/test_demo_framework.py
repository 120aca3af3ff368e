"""Params, device choice and the run cache shared by every demo."""

from __future__ import annotations

import pytest
import torch

from demos.device import pick_device
from demos.framework import Param, ParamError, Progress, T, resolve_params
from studyapp import runner

SPECS = (
    Param("lr", T("lr", "학습률"), 0.1, min=1e-4, max=1.0),
    Param("epochs", T("epochs", "에포크"), 10, min=1, max=100),
    Param("stop", T("stop", "멈춤"), False),
    Param("mode", T("mode", "모드"), "a", choices=("a", "b")),
)


def test_resolve_fills_defaults_and_checks_values():
    assert resolve_params(SPECS, {"lr": 0.5}) == {"lr": 0.5, "epochs": 10, "stop": False, "mode": "a"}
    assert resolve_params(SPECS, {"lr": 1})["lr"] == 1.0  # an int is a fine float
    for bad, message in [({"lr": 2.0}, "above the maximum"), ({"epochs": 1.5}, "expected int"),
                         ({"stop": 1}, "expected bool"), ({"mode": "c"}, "must be one of a, b"),
                         ({"lr": float("nan")}, "finite"), ({"what": 1}, "unknown parameter 'what'")]:
        with pytest.raises(ParamError, match=message):
            resolve_params(SPECS, bad)


def test_parse_reads_cli_text():
    lr, epochs, stop, mode = SPECS
    assert lr.parse("0.01") == 0.01 and epochs.parse("7") == 7
    assert stop.parse("yes") is True and stop.parse("off") is False
    assert mode.parse("b") == "b"
    with pytest.raises(ParamError, match="epochs: expected int, got '7.5'"):
        epochs.parse("7.5")


def test_device_choice_and_override(monkeypatch):
    monkeypatch.delenv("STUDYAPP_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert pick_device().type == expected
    monkeypatch.setenv("STUDYAPP_DEVICE", "cpu")
    assert pick_device().type == "cpu"
    assert pick_device("cpu").type == "cpu"
    with pytest.raises(ParamError, match="unknown device"):
        pick_device("quantum")
    if not torch.cuda.is_available():
        with pytest.raises(ParamError, match="no CUDA GPU"):
            pick_device("cuda")


def test_progress_fraction():
    assert Progress(done=5, total=20).fraction == 0.25
    assert Progress(done=0, total=0).fraction == 1.0


def test_runs_are_cached_by_demo_params_seed_and_device():
    runner.clear_cache()
    small = {"epochs": 10, "hidden": 8, "train_size": 30}
    first = runner.run_demo("overfitting", small, seed=1, device="cpu")
    again = runner.run_demo("overfitting", small, seed=1, device="cpu")
    assert not first.cached and again.cached
    assert again.result is first.result
    other_seed = runner.run_demo("overfitting", small, seed=2, device="cpu")
    assert not other_seed.cached
    assert runner.cached_run("overfitting", small, seed=1, device="cpu") is not None
    assert runner.cached_run("overfitting", {**small, "lr": 0.01}, seed=1, device="cpu") is None


def test_choice_labels_are_shown_in_both_languages_and_every_labelled_choice_exists():
    from demos import demo_ids, get_demo

    param = Param("kernel", T("Kernel", "커널"), "edge", choices=("edge", "blur"),
                  choice_labels={"edge": T("edge (outline)", "edge (윤곽)")})
    assert param.choice_label("edge", "ko") == "edge (윤곽)"
    assert param.choice_label("edge", "en") == "edge (outline)"
    assert param.choice_label("blur", "ko") == "blur"  # no label: the id itself
    for demo_id in demo_ids():
        for p in get_demo(demo_id).params:
            assert set(p.choice_labels) <= set(p.choices), f"{demo_id}.{p.name} labels an unknown choice"
            for choice in p.choice_labels:  # a label names its choice, in both languages
                assert p.choice_label(choice, "en") and p.choice_label(choice, "ko")


def test_demos_get_half_the_cores_and_the_thread_setting_comes_back(monkeypatch):
    import torch

    from demos.framework import demo_thread_count
    from studyapp import runner

    assert [demo_thread_count(cores) for cores in (1, 2, 3, 8)] == [1, 1, 1, 4]
    before = torch.get_num_threads()
    monkeypatch.setattr(runner, "demo_thread_count", lambda: before + 2)
    seen = []
    runner.run_demo("overfitting", {"epochs": 10, "hidden": 8}, report=lambda _: seen.append(torch.get_num_threads()),
                    use_cache=False)
    assert seen and set(seen) == {before + 2}  # while the demo trained
    assert torch.get_num_threads() == before  # and afterwards, as it was


def test_param_defaults_come_from_the_lesson_and_names_must_match(tmp_path, monkeypatch):
    from demos.framework import lesson_defaults, params_from_lesson

    (tmp_path / "toy_lesson.py").write_text(
        "import torch\n"
        "def train(lr=0.1, epochs=10, *, device='cpu', seed=0, report=None):\n"
        "    return {'metrics': {}}\n")
    (tmp_path / "toy_bad.py").write_text("def train(lr, *, device='cpu', seed=0, report=None): pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert lesson_defaults("toy_lesson") == {"lr": 0.1, "epochs": 10}  # read, not imported
    lr, epochs = params_from_lesson("toy_lesson", (Param("lr", T("lr", "학습률"), min=0.0, max=1.0),
                                                   Param("epochs", T("e", "에"), min=1, max=100)))
    assert (lr.default, lr.kind, epochs.default, epochs.kind) == (0.1, float, 10, int)
    with pytest.raises(TypeError, match="the params are"):
        params_from_lesson("toy_lesson", (Param("lr", T("lr", "학습률")),))
    with pytest.raises(TypeError, match="give lr a default"):
        lesson_defaults("toy_bad")
    with pytest.raises(ParamError, match="above the maximum"):  # a default outside its own range
        params_from_lesson("toy_lesson", (Param("lr", T("lr", "lr"), max=0.01), Param("epochs", T("e", "e"))))
