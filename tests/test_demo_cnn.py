"""The CNN demo: the output-size formula against torch, the shape table against a real forward
pass, a CNN that learns the digits, and the photo convolution. Small CPU settings, fixed seeds."""

from __future__ import annotations

import importlib

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from demos.cnn import (
    KERNELS, build_models, conv2d_output_size, conv2d_parameter_count, kernel_tensor, lenet_style_cnn,
    parameter_count, shape_table, traced_shapes,
)
from demos.framework import ParamError

DEMO = importlib.import_module("demos.cnn").DEMO
CPU = torch.device("cpu")
SMALL = {"steps": 150}


def run(seed: int = 0, **params):
    progress = []
    result = DEMO.run({**SMALL, **params}, device=CPU, seed=seed, report=progress.append)
    return result, progress


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(1, 40), kernel=st.integers(1, 9), stride=st.integers(1, 6),
    padding=st.integers(0, 5), dilation=st.integers(1, 3),
)
def test_output_size_formula_equals_torch_conv2d(size, kernel, stride, padding, dilation):
    span = dilation * (kernel - 1) + 1
    if size + 2 * padding < span:
        with pytest.raises(ValueError):
            conv2d_output_size(size, kernel, stride, padding, dilation)
        return
    x = torch.zeros(1, 1, size, size + 3)  # a non-square input: each side follows the formula
    w = torch.zeros(1, 1, kernel, kernel)
    out = F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
    assert out.shape[-2:] == (
        conv2d_output_size(size, kernel, stride, padding, dilation),
        conv2d_output_size(size + 3, kernel, stride, padding, dilation),
    )


def test_output_size_formula_equals_torch_pooling():
    # Pooling windows slide by the same rule; torch only allows padding up to half the window.
    for size in range(1, 20):
        for kernel in range(1, 6):
            for stride in range(1, 5):
                for padding in range(0, kernel // 2 + 1):
                    if size + 2 * padding < kernel:
                        continue
                    out = F.max_pool2d(torch.zeros(1, 1, size, size), kernel, stride, padding)
                    assert out.shape[-1] == conv2d_output_size(size, kernel, stride, padding)


def test_formula_textbook_cases():
    assert conv2d_output_size(32, 5) == 28  # LeNet-5's first layer
    assert conv2d_output_size(224, 7, stride=2, padding=3) == 112  # ResNet's stem
    assert conv2d_output_size(28, 3, padding=1) == 28  # "same" padding for a 3×3 kernel
    assert conv2d_output_size(7, 3, stride=2) == 3  # floor((7 − 3)/2) + 1


def test_parameter_counts_match_torch_layers():
    for c_in, c_out, k in [(1, 6, 5), (6, 16, 5), (3, 64, 3), (16, 8, 1)]:
        assert conv2d_parameter_count(c_in, c_out, k) == parameter_count(torch.nn.Conv2d(c_in, c_out, k))
        assert conv2d_parameter_count(c_in, c_out, k, bias=False) == parameter_count(
            torch.nn.Conv2d(c_in, c_out, k, bias=False))


@pytest.mark.parametrize("filters", [(6, 16), (1, 1), (8, 32)])
def test_shape_table_matches_a_real_forward_pass(filters):
    model = lenet_style_cnn(*filters)
    table = shape_table(model, (1, 8, 8))
    assert [row.shape for row in table] == traced_shapes(model, torch.zeros(2, 1, 8, 8))
    assert sum(row.parameters for row in table) == parameter_count(model)
    assert table[-1].shape == (10,)
    assert next(row.shape for row in table if row.name == "flatten") == (filters[1] * 2 * 2,)


def test_the_mlp_is_matched_in_size():
    models = build_models(6, 16, seed=0)
    cnn, mlp = parameter_count(models["cnn"]), parameter_count(models["mlp"])
    assert abs(cnn - mlp) / cnn < 0.03


def test_cnn_learns_the_digits_quickly():
    result, _ = run(0)
    m = result.metrics
    assert m["cnn_test_acc"] > 0.85  # 10 classes: guessing gives 10%
    assert m["mlp_test_acc"] > 0.85
    assert m["shape_table_matches_forward"] == 1.0
    acc = result.data["test_acc"]
    assert acc[0, 0] < 0.3 and acc[-1, 0] == pytest.approx(m["cnn_test_acc"])  # it learned in the run


@pytest.mark.parametrize(
    "kernel,stride,padding,photo", [("edge", 1, 0, "temple"), ("blur", 2, 2, "flower"), ("sharpen", 3, 1, "temple")]
)
def test_photo_convolution_checks_the_formula(kernel, stride, padding, photo):
    result, _ = run(0, steps=20, kernel=kernel, stride=stride, padding=padding, photo=photo)
    m, image = result.metrics, result.data["photo"]
    k = len(KERNELS[kernel])
    assert m["kernel_size"] == k
    assert m["formula_matches_torch"] == 1.0
    assert image["output"].shape == (m["torch_out_h"], m["torch_out_w"])
    assert m["formula_out_h"] == (m["photo_in_h"] + 2 * padding - k) // stride + 1
    assert image["input"].shape == (m["photo_in_h"], m["photo_in_w"])
    assert 0.0 <= image["input"].min() and image["input"].max() <= 1.0


def test_blur_keeps_brightness_and_edge_detector_ignores_flat_regions():
    # Kernels whose weights sum to 1 keep the average brightness; those summing to 0 give 0 on flat areas.
    assert sum(map(sum, KERNELS["blur"])) == pytest.approx(1.0)
    flat = torch.full((1, 1, 9, 9), 0.7)
    for name in ("edge", "sobel-x", "sobel-y"):
        out = F.conv2d(flat, kernel_tensor(name))
        assert torch.allclose(out, torch.zeros_like(out), atol=1e-6)


def test_feature_maps_shrink_layer_by_layer():
    result, _ = run(0, steps=20, digit=7)
    maps = result.data["feature_maps"]
    assert maps["input"].shape == (8, 8)
    assert maps["relu1"].shape == (6, 8, 8) and maps["pool1"].shape == (6, 4, 4)
    assert maps["relu2"].shape == (16, 4, 4) and maps["pool2"].shape == (16, 2, 2)
    assert (maps["relu1"] >= 0).all()  # after ReLU
    assert result.metrics["traced_digit_label"] == 7
    assert result.data["filters"].shape == (6, 3, 3)


def test_progress_reports_start_early_and_end_complete():
    _, progress = run(0, steps=60)
    assert progress[0].done == 0 and progress[-1].done == 60 and progress[-1].fraction == 1.0
    assert all(len(v) == len(progress[-1].x) for v in progress[-1].curves.values())


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(3, steps=40)
    b, _ = run(3, steps=40)
    assert a.metrics == b.metrics
    for lang, word in (("en", "Learned 3×3 filters"), ("ko", "학습한 3×3 필터")):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 5
        assert word in str(figures[2].to_dict())
        assert any(("정확도" if lang == "ko" else "accuracy") in str(f.to_dict()) for f in figures)
    assert "PyTorch" in a.summary.en and "PyTorch" in a.summary.ko


@pytest.mark.parametrize("bad", [{"kernel": "bogus"}, {"stride": 0}, {"padding": -1}, {"digit": 10}, {"colour": 1}])
def test_bad_params_are_refused(bad):
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0, report=lambda p: None)


def test_reference_agrees_with_the_fast_path():
    fast, _ = run(1, steps=80)
    reference = DEMO.reference({**SMALL, "steps": 80}, device=CPU, seed=1)
    ok, message = DEMO.agrees_with_reference(fast, reference)
    assert ok, message
    # Same batches, same initial weights: the accuracies should be all but identical.
    for m in ("cnn", "mlp"):
        assert fast.metrics[f"{m}_test_acc"] == pytest.approx(reference.metrics[f"{m}_test_acc"], abs=0.02)
    broken = type(reference)({**reference.metrics, "cnn_test_acc": reference.metrics["cnn_test_acc"] - 0.2},
                             reference.data, reference.summary)
    assert not DEMO.agrees_with_reference(fast, broken)[0]
