"""The CNN demo: a CNN keeps more of its accuracy than an MLP of the same size when the test
digits move (over fixed seeds, small CPU settings); the convolution formulas of
demos/conv_shapes.py against torch and against the lesson's real forward pass; the photo
convolution; Stop, figures and parameter checks."""

from __future__ import annotations

import threading

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from demos import conv_shapes
from demos.cnn import DEMO
from demos.cnn.lesson import KERNELS, PHOTOS, make_cnn, make_mlp, move
from demos.device import torch_threads
from demos.framework import ParamError, demo_thread_count

CPU = torch.device("cpu")
TINY = {"steps": 20}


@pytest.fixture(autouse=True, scope="module")
def threads_as_in_the_app():
    # The app gives a demo half the cores: tiny ops split over more threads wait for each
    # other, and on a busy 2-core machine that made a 20-step run 15 times slower.
    with torch_threads(demo_thread_count()):
        yield


def run(seed: int = 0, stop: threading.Event | None = None, report=None, **params):
    progress = []
    result = DEMO.run({**TINY, **params}, device=CPU, seed=seed, report=report or progress.append, stop=stop)
    return result, progress


# --- the concept -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_the_cnn_keeps_more_of_its_accuracy_when_the_digits_move(seed):
    result, _ = run(seed, steps=250, shift=1)
    m, by_shift = result.metrics, result.data["by_shift"]
    # Centred digits: both learn them, and about equally well; they are of the same size.
    assert m["cnn_test_acc"] > 0.88 and m["mlp_test_acc"] > 0.88
    assert abs(m["cnn_test_acc"] - m["mlp_test_acc"]) < 0.06
    assert abs(m["cnn_params"] - m["mlp_params"]) / m["cnn_params"] < 0.03
    # Moved by 1 or 2 pixels, which neither saw in training: the CNN keeps clearly more.
    assert m["cnn_shifted_acc"] == by_shift["cnn"][1] and m["mlp_shifted_acc"] == by_shift["mlp"][1]
    assert by_shift["cnn"][1] > by_shift["mlp"][1] + 0.04
    assert by_shift["cnn"][2] > by_shift["mlp"][2] + 0.04
    assert by_shift["mlp"][1] < m["mlp_test_acc"] - 0.3  # moving really hurts the MLP


def test_the_default_run_shows_the_advantage_and_traces_a_digit_it_gets_right():
    result = DEMO.run({}, device=CPU, seed=0)
    m = result.metrics
    assert m["cnn_shifted_acc"] > m["mlp_shifted_acc"] + 0.1
    assert m["cnn_digit_correct"] == 1.0  # the digit the feature-map figure follows
    digit = result.data["digit"]
    assert result.data["guesses"]["cnn centred"][digit] == digit
    assert "keeps" in result.summary.en and "유지" in result.summary.ko


def test_moving_digits_fills_blank_pixels_at_the_edge():
    x = torch.rand(3, 1, 8, 8) + 0.1
    right = move(x, 1, 0)
    assert torch.equal(right[..., 1:], x[..., :-1]) and (right[..., 0] == 0).all()
    up = move(x, 0, -2)
    assert torch.equal(up[..., :-2, :], x[..., 2:, :]) and (up[..., -2:, :] == 0).all()
    assert torch.equal(move(x, 0, 0), x)


# --- one home for the convolution formulas -------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(size=st.integers(1, 40), kernel=st.integers(1, 9), stride=st.integers(1, 6),
       padding=st.integers(0, 5), dilation=st.integers(1, 3))
def test_the_output_size_formula_equals_torch_conv2d(size, kernel, stride, padding, dilation):
    if size + 2 * padding < dilation * (kernel - 1) + 1:
        with pytest.raises(conv_shapes.WindowTooLarge):
            conv_shapes.output_size(size, kernel, stride, padding, dilation)
        return
    x = torch.zeros(1, 1, size, size + 3)  # not square: each side follows the formula
    out = F.conv2d(x, torch.zeros(1, 1, kernel, kernel), stride=stride, padding=padding, dilation=dilation)
    assert out.shape[-2:] == tuple(conv_shapes.output_size(n, kernel, stride, padding, dilation)
                                   for n in (size, size + 3))


def test_the_output_size_formula_equals_torch_pooling_and_textbook_cases():
    for size in range(1, 16):
        for kernel in range(1, 5):
            for stride in range(1, 4):
                for padding in range(0, kernel // 2 + 1):  # torch allows up to half the window
                    if size + 2 * padding >= kernel:
                        out = F.max_pool2d(torch.zeros(1, 1, size, size), kernel, stride, padding)
                        assert out.shape[-1] == conv_shapes.output_size(size, kernel, stride, padding)
    assert conv_shapes.output_size(32, 5) == 28  # LeNet-5's first layer
    assert conv_shapes.output_size(224, 7, stride=2, padding=3) == 112  # ResNet's stem
    assert conv_shapes.output_size(28, 3, stride=2, padding=1) == 14  # the card's example
    assert conv_shapes.measured_output_size(28, 3, 2, 1) == 14
    assert conv_shapes.measured_output_size(9, 2, 2, layer="maxpool") == 4


def test_parameter_counts_match_torch_layers():
    for c_in, c_out, k in [(1, 6, 5), (6, 16, 5), (3, 16, 3), (16, 8, 1)]:
        for bias in (True, False):
            expected = conv_shapes.measured_conv2d_parameter_count(c_in, c_out, k, bias)
            assert conv_shapes.conv2d_parameter_count(c_in, c_out, k, bias) == expected
    assert conv_shapes.conv2d_parameter_count(3, 16, 3) == 448  # the card's example
    assert conv_shapes.linear_parameter_count(64, 32) == 2080


@pytest.mark.parametrize("filters", [(6, 16), (1, 1), (32, 64)])
def test_predicted_shapes_match_a_real_forward_pass(filters):
    model = make_cnn(*filters)
    rows = conv_shapes.predicted_shapes(model, (1, 8, 8))
    x, measured = torch.zeros(2, 1, 8, 8), []
    for layer in model:
        x = layer(x)
        measured.append(tuple(x.shape[1:]))
    assert [row.shape for row in rows] == measured
    assert sum(row.parameters for row in rows) == sum(p.numel() for p in model.parameters())
    assert rows[-1].shape == (10,)


def test_the_lesson_forward_pass_agrees_with_the_formulas():
    result, _ = run(0, filters1=4, filters2=8, digit=5)
    layers = result.data["layers"]
    predicted = conv_shapes.predicted_shapes([layer for layer, *_ in layers], (1, 8, 8))
    assert [row.shape for row in predicted] == [shape for _, shape, _, _ in layers]
    assert [row.parameters for row in predicted] == [parameters for _, _, parameters, _ in layers]
    maps = [m.shape for _, _, _, m in layers if m is not None]
    assert maps == [(4, 8, 8), (4, 8, 8), (4, 4, 4), (8, 4, 4), (8, 4, 4), (8, 2, 2)]
    assert result.data["filters"].shape == (4, 3, 3)
    assert result.metrics["cnn_params"] == sum(parameters for _, _, parameters, _ in layers)


def test_the_mlp_is_matched_in_size():
    for filters in [(6, 16), (1, 1), (32, 64)]:
        cnn = sum(p.numel() for p in make_cnn(*filters).parameters())
        mlp = sum(p.numel() for p in make_mlp(cnn).parameters())
        assert abs(cnn - mlp) <= 75  # one hidden unit


def test_the_quiz_generators_use_the_same_rule():
    from demos.generators import GENERATORS, GeneratorError

    assert GENERATORS["conv2d-output"](in_size=28, kernel=3, stride=2, padding=1) == 14
    with pytest.raises(GeneratorError, match="kernel 9 is larger than the padded input 2"):
        GENERATORS["conv2d-output"](in_size=2, kernel=9, stride=1, padding=0)


# --- the photo -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kernel,stride,padding,photo",
                         [("edge", 1, 0, "temple"), ("blur", 2, 2, "flower"), ("sharpen", 3, 1, "temple"),
                          ("sobel-x", 8, 8, "flower")])
def test_the_photo_convolution_follows_the_formula(kernel, stride, padding, photo):
    result, _ = run(0, kernel=kernel, stride=stride, padding=padding, photo=photo)
    m, image = result.metrics, result.data["photo"]
    k = len(KERNELS[kernel])
    assert m["kernel_size"] == k and image["kernel"].shape == (k, k)
    assert image["input"].shape == (m["photo_in_h"], m["photo_in_w"]) == (106, 160)
    assert image["output"].shape == (m["torch_out_h"], m["torch_out_w"])
    assert m["torch_out_h"] == conv_shapes.output_size(106, k, stride, padding)
    assert m["torch_out_w"] == conv_shapes.output_size(160, k, stride, padding)
    assert 0.0 <= image["input"].min() and image["input"].max() <= 1.0
    assert "matches PyTorch" in result.summary.en


def test_blur_keeps_brightness_and_edge_detectors_ignore_flat_regions():
    assert sum(map(sum, KERNELS["blur"])) == pytest.approx(1.0)
    flat = torch.full((1, 1, 9, 9), 0.7)
    for name in ("edge", "sobel-x", "sobel-y"):
        out = F.conv2d(flat, torch.tensor(KERNELS[name], dtype=torch.float32)[None, None])
        assert torch.allclose(out, torch.zeros_like(out), atol=1e-6)


def test_the_page_offers_the_lessons_kernels_and_photos():
    params = {p.name: p for p in DEMO.params}
    assert params["kernel"].choices == tuple(KERNELS) and params["photo"].choices == PHOTOS
    assert set(params["kernel"].choice_labels) == set(KERNELS)


# --- progress, Stop, figures, parameters -----------------------------------------------------------


def test_progress_reports_are_few_and_named():
    _, progress = run(0, steps=200)
    assert 15 <= len(progress) <= 25 and progress[-1].done == 200 and progress[-1].fraction == 1.0
    assert set(progress[-1].series) == set(DEMO.live.names)
    assert all(0 <= y <= 1 for _, ys in progress[-1].series.values() for y in ys)


def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained():
    stop = threading.Event()
    seen = []

    def press_stop_at_the_second_report(progress):
        seen.append(progress.done)
        if len(seen) == 2:
            stop.set()

    result, _ = run(0, steps=400, stop=stop, report=press_stop_at_the_second_report)
    assert result.stopped and seen == [20, 40]
    assert result.data["history"]["step"] == [20, 40]
    assert 0 < result.metrics["cnn_test_acc"] <= 1 and result.metrics["torch_out_h"] == 104


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(3, steps=40, filters1=12, shift=2)
    b, _ = run(3, steps=40, filters1=12, shift=2)
    assert a.metrics == b.metrics
    for lang, words in (("en", ("Moved 2 px", "Inside the CNN", "every shape matches")),
                        ("ko", ("2픽셀 이동", "CNN의 내부", "모든 모양이 일치"))):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 6
        text = " ".join(str(f.to_dict()) for f in figures)
        assert all(word in text for word in words)
        assert all(f.layout.title.text for f in figures)  # every figure says what it shows


@pytest.mark.parametrize("params,name", [({"shift": 4}, "shift"), ({"kernel": "nope"}, "kernel"),
                                         ({"stride": 0}, "stride"), ({"steps": 5}, "steps")])
def test_bad_params_are_refused(params, name):
    with pytest.raises(ParamError, match=name):
        DEMO.run(params, device=CPU, seed=0)
