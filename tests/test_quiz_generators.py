"""Numeric generators: what PyTorch measures agrees with the textbook formulas, and every
generated question in the bundled content can be drawn and answered."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demos.generators import GENERATORS, GeneratorError
from studyapp.cli.quiz_cmd import deep_problems
from studyapp.content import load_content
from studyapp.quiz import grade, make_item
from tests.conftest import ROOT

FAST = settings(max_examples=25, deadline=None)


@FAST
@given(in_size=st.integers(1, 40), kernel=st.integers(1, 7), stride=st.integers(1, 4), padding=st.integers(0, 3))
def test_conv2d_output_size_matches_the_formula(in_size, kernel, stride, padding):
    if in_size + 2 * padding < kernel:
        with pytest.raises(GeneratorError):
            GENERATORS["conv2d-output"](in_size=in_size, kernel=kernel, stride=stride, padding=padding)
        return
    measured = GENERATORS["conv2d-output"](in_size=in_size, kernel=kernel, stride=stride, padding=padding)
    assert measured == (in_size + 2 * padding - kernel) // stride + 1


@FAST
@given(in_size=st.integers(1, 40), kernel=st.integers(1, 5), stride=st.integers(1, 4))
def test_maxpool_output_size_matches_the_formula(in_size, kernel, stride):
    if in_size < kernel:
        with pytest.raises(GeneratorError):
            GENERATORS["maxpool2d-output"](in_size=in_size, kernel=kernel, stride=stride)
        return
    assert GENERATORS["maxpool2d-output"](in_size=in_size, kernel=kernel, stride=stride) == (in_size - kernel) // stride + 1


@FAST
@given(c_in=st.integers(1, 64), c_out=st.integers(1, 64), kernel=st.integers(1, 7), bias=st.booleans())
def test_conv2d_parameter_count(c_in, c_out, kernel, bias):
    assert GENERATORS["conv2d-params"](in_channels=c_in, out_channels=c_out, kernel=kernel, bias=bias) \
        == c_out * c_in * kernel * kernel + (c_out if bias else 0)


@FAST
@given(n=st.integers(1, 300), m=st.integers(1, 300), bias=st.booleans(),
       hidden=st.integers(1, 300), layers=st.integers(1, 4))
def test_linear_and_mlp_parameter_counts(n, m, bias, hidden, layers):
    assert GENERATORS["linear-params"](in_features=n, out_features=m, bias=bias) == n * m + (m if bias else 0)
    sizes = [n] + [hidden] * layers + [m]
    expected = sum(a * b + (b if bias else 0) for a, b in zip(sizes, sizes[1:]))
    assert GENERATORS["mlp-params"](inputs=n, hidden=hidden, outputs=m, hidden_layers=layers, bias=bias) == expected


@FAST
@given(inputs=st.integers(1, 64), hidden=st.integers(1, 64))
def test_recurrent_parameter_counts(inputs, hidden):
    # PyTorch: gates x (W_ih: hidden x input, W_hh: hidden x hidden, b_ih and b_hh)
    one_gate = hidden * inputs + hidden * hidden + 2 * hidden
    assert GENERATORS["rnn-params"](input_size=inputs, hidden_size=hidden) == one_gate
    assert GENERATORS["gru-params"](input_size=inputs, hidden_size=hidden) == 3 * one_gate
    assert GENERATORS["lstm-params"](input_size=inputs, hidden_size=hidden) == 4 * one_gate


@FAST
@given(p=st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.5, 0.75, 0.9]), activation=st.floats(0.5, 5.0))
def test_dropout_rescales_kept_units(p, activation):
    assert GENERATORS["dropout-kept-value"](p=p, activation=activation) == pytest.approx(activation / (1 - p), rel=1e-5)


def test_dropout_generator_leaves_the_global_rng_alone():
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    GENERATORS["dropout-kept-value"](p=0.5, activation=1.0)
    assert torch.equal(torch.rand(3), expected)


@FAST
@given(weight=st.floats(-4, 4), grad=st.floats(-2, 2), lr=st.sampled_from([0.01, 0.1, 0.5]),
       decay=st.sampled_from([0.0, 0.01, 0.1, 0.5]))
def test_sgd_weight_decay_step(weight, grad, lr, decay):
    assert GENERATORS["sgd-weight-decay-step"](weight=weight, grad=grad, lr=lr, weight_decay=decay) \
        == pytest.approx(weight - lr * (grad + decay * weight), abs=1e-5)


def test_generators_check_their_arguments():
    with pytest.raises(TypeError, match="missing"):
        GENERATORS["linear-params"](in_features=3)
    with pytest.raises(TypeError, match="unknown"):
        GENERATORS["linear-params"](in_features=3, out_features=2, bias=True, colour="red")


def test_bundled_generated_questions_draw_and_grade_with_torch():
    content = load_content(ROOT / "content")
    generated = [(t.id, q) for t in content.topics for q in t.questions if q.type == "numeric" and q.generator]
    assert len(generated) >= 2
    for topic, question in generated:
        for seed in range(3):
            item = make_item(topic, question, seed=seed, generators=GENERATORS)
            assert item.expected is not None and grade(item, item.expected).correct
            for trap in item.traps:
                if trap is not None:
                    assert not grade(item, trap).correct  # a misconception's number is never accepted


def test_deep_check_of_the_bundled_content_without_running_demos():
    assert deep_problems(load_content(ROOT / "content"), run=False) == []


def test_deep_check_names_the_file_and_line(tmp_path):
    (tmp_path / "t.yaml").write_text(
        "id: t\ntitle: {en: T, ko: 티}\nsummary: {en: S, ko: 에스}\n"
        "cards:\n  - {id: c1, term: {en: A, ko: 에이}, definition: {en: d, ko: 디}}\n"
        "questions:\n"
        "  - id: t-q1\n    type: numeric\n    prompt: {en: 'k {kernel}', ko: 'k {kernel}'}\n    cards: [c1]\n"
        "    generator: conv2d-output\n    params: {in_size: 2, kernel: [9], stride: 1, padding: 0}\n"
        "  - id: t-q2\n    type: predict_then_run\n    prompt: {en: p, ko: 피}\n    cards: [c1]\n    demo: overfitting\n"
        "    params: {epochs: 1}\n    choices:\n"
        "      - {text: {en: a, ko: 에이}, when: plain_acc_gap < 0.5, explanation: {en: e, ko: 이}}\n"
        "      - {text: {en: b, ko: 비}, when: plain_acc_gap >= 0.5, explanation: {en: e, ko: 이}}\n",
        encoding="utf-8")
    content = load_content(tmp_path)
    assert content.errors == []
    problems = deep_problems(content)
    assert len(problems) == 2
    assert problems[0].endswith(":7: t-q1: generator 'conv2d-output' failed for every drawn setting: "
                                "t-q1: no valid settings in 200 draws (kernel 9 is larger than the padded input 2)")
    assert ":13: t-q2: params: epochs: 1 is below the minimum 10" in problems[1]


# --- hyperparameter search (tuning) -----------------------------------------------------------


@FAST
@given(trials=st.integers(1, 200), top=st.sampled_from([1, 2, 5, 10, 25, 50]))
def test_random_search_hit_chance_is_one_minus_the_chance_of_missing_every_time(trials, top):
    chance = GENERATORS["random-search-hit-chance"](trials=trials, top_percent=top)
    assert chance == pytest.approx(100 * (1 - (1 - top / 100) ** trials))
    assert top - 1e-9 <= chance <= 100  # never below the chance of a single trial


def test_random_search_hit_chance_matches_torch_draws():
    import torch

    g = torch.Generator().manual_seed(0)
    hits = (torch.rand(20_000, 60, generator=g) < 0.05).any(dim=1).float().mean().item()
    assert 100 * hits == pytest.approx(GENERATORS["random-search-hit-chance"](trials=60, top_percent=5), abs=0.5)
    with pytest.raises(GeneratorError):
        GENERATORS["random-search-hit-chance"](trials=10, top_percent=100)


@FAST
@given(start=st.sampled_from([9, 27, 54, 81]), epochs=st.integers(1, 4), rungs=st.integers(1, 3))
def test_halving_epochs_restarting_costs_the_same_per_rung(start, epochs, rungs):
    # With 3^k configurations and eta = 3 every rung costs configs x min_epochs when each rung
    # retrains from scratch; resuming saves the epochs the survivors already had.
    restart = GENERATORS["halving-epochs"](configs=start, min_epochs=epochs, keep_one_in=3, rungs=rungs,
                                           resume=False)
    resume = GENERATORS["halving-epochs"](configs=start, min_epochs=epochs, keep_one_in=3, rungs=rungs,
                                          resume=True)
    assert restart == rungs * start * epochs
    assert resume == start * epochs + sum(start // 3 ** i * (epochs * 3 ** i - epochs * 3 ** (i - 1))
                                          for i in range(1, rungs))


def test_halving_epochs_counts_what_the_tuning_demo_spends():
    from demos.tuning import DEMO

    import torch

    result = DEMO.run({"grid_points": 2}, device=torch.device("cpu"), seed=0)
    assert result.metrics["halving_epochs_spent"] == GENERATORS["halving-epochs"](
        configs=12, min_epochs=1, keep_one_in=3, rungs=3, resume=False)


# --- tensors and autograd ---------------------------------------------------------------------


@FAST
@given(d0=st.integers(1, 6), d1=st.integers(1, 6), d2=st.integers(1, 6), dim=st.integers(0, 2))
def test_contiguous_stride_is_the_product_of_the_later_sizes(d0, d1, d2, dim):
    sizes = (d0, d1, d2)
    expected = 1
    for size in sizes[dim + 1:]:
        expected *= size
    assert GENERATORS["contiguous-stride"](d0=d0, d1=d1, d2=d2, dim=dim) == expected


@FAST
@given(rows=st.integers(1, 8), cols=st.integers(1, 8), data=st.data())
def test_slice_offset_and_element_address_follow_offset_plus_index_times_stride(rows, cols, data):
    r, c = data.draw(st.integers(0, rows - 1)), data.draw(st.integers(0, cols - 1))
    assert GENERATORS["slice-offset"](rows=rows, cols=cols, start_row=r, start_col=c) == r * cols + c
    assert GENERATORS["element-address"](rows=rows, cols=cols, i=r, j=c, transposed=False) == r * cols + c
    # x.t() has shape (cols, rows) and strides (1, cols): element [i, j] is cell i + j * cols
    assert GENERATORS["element-address"](rows=rows, cols=cols, i=c, j=r, transposed=True) == c + r * cols


@FAST
@given(value=st.integers(1, 3), power=st.integers(1, 4), calls=st.integers(1, 4))
def test_accumulated_grad_adds_one_derivative_per_backward(value, power, calls):
    assert GENERATORS["accumulated-grad"](value=value, power=power, calls=calls) == pytest.approx(
        calls * power * value ** (power - 1))


@FAST
@given(samples=st.integers(1, 500), batch_size=st.integers(1, 64), drop_last=st.booleans())
def test_dataloader_batches_round_up_or_down(samples, batch_size, drop_last):
    expected = samples // batch_size if drop_last else -(-samples // batch_size)
    assert GENERATORS["dataloader-batches"](samples=samples, batch_size=batch_size, drop_last=drop_last) == expected


def test_tensor_generators_refuse_what_does_not_exist():
    with pytest.raises(GeneratorError):
        GENERATORS["contiguous-stride"](d0=2, d1=2, d2=2, dim=3)
    with pytest.raises(GeneratorError):
        GENERATORS["slice-offset"](rows=3, cols=3, start_row=3, start_col=0)
    with pytest.raises(GeneratorError):
        GENERATORS["element-address"](rows=2, cols=3, i=0, j=2, transposed=True)
    with pytest.raises(GeneratorError):
        GENERATORS["dataloader-batches"](samples=0, batch_size=4, drop_last=False)
