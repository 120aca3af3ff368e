"""The numbers the topic files state are computed here, so a card cannot drift from the truth.

Each test measures a claim with PyTorch (or plain arithmetic) and checks that the content
still says it.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from studyapp.content import load_content
from tests.conftest import ROOT
from tests.content_text import strings_of

CONTENT = load_content(ROOT / "content")


@pytest.fixture(autouse=True)
def one_thread():
    """These tensors are tiny: one thread is many times faster than several waiting on each other."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def card(card_id: str):
    return next(c for c in CONTENT.cards() if c.id == card_id)


def question(question_id: str):
    return next(q for q in CONTENT.questions() if q.id == question_id)


def texts(item) -> str:
    """Every English string of a card or question, joined (for 'does it still say so')."""
    found = strings_of(item, "en")
    return " ".join(found)


# --- XOR: the best line gets 75%, a trained linear model stays near 50% ---------------------


def xor_blobs(n: int = 1200, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Four equal Gaussian blobs at (±0.5, ±0.5), spread 0.15; label 1 where x1·x2 > 0."""
    g = torch.Generator().manual_seed(seed)
    signs = torch.tensor([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]]).repeat(n // 4, 1)
    x = 0.5 * signs + 0.15 * torch.randn(signs.shape, generator=g)
    return x, (signs[:, 0] * signs[:, 1] > 0).float()


def best_line_accuracy(x: torch.Tensor, y: torch.Tensor) -> float:
    """The best accuracy of any straight line (either side may be class 1), by brute force."""
    thresholds = torch.linspace(-1.2, 1.2, 121).unsqueeze(1)
    best = 0.0
    for angle in torch.linspace(0, math.pi, 91)[:-1]:
        projected = x @ torch.stack([torch.cos(angle), torch.sin(angle)])
        acc = ((projected > thresholds).float() == y).float().mean(dim=1)  # one per threshold
        best = max(best, acc.max().item(), 1 - acc.min().item())
    return best


def test_a_straight_line_gets_at_most_three_of_the_four_xor_corners():
    corners = torch.tensor([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    assert best_line_accuracy(corners, torch.tensor([1.0, 1.0, 0.0, 0.0])) == 0.75


def test_the_best_line_on_xor_blobs_cuts_off_one_blob_for_about_75_percent():
    x, y = xor_blobs()
    assert best_line_accuracy(x, y) == pytest.approx(0.75, abs=0.02)
    assert "75%" in texts(card("decision-boundary")) and "75%" in texts(question("basics-q-linear-xor"))


def test_cross_entropy_training_on_symmetric_xor_ends_at_the_flat_solution():
    # Every point comes with its mirror images (x -> -x keeps the label, x1 -> -x1 flips it),
    # so the loss is the same for (w, b), (-w, b), (-Bw, -b) and (Bw, -b); the loss is convex,
    # hence their average (0, 0) is a minimum: probability 0.5 everywhere, a coin's accuracy.
    x, y = xor_blobs(400, seed=1)
    flip = torch.tensor([-1.0, 1.0])
    x = torch.cat([x, -x, x * flip, -x * flip])
    y = torch.cat([y, y, 1 - y, 1 - y])
    g = torch.Generator().manual_seed(0)
    w = (torch.rand(2, generator=g) - 0.5).requires_grad_(True)  # a random, tilted start
    b = torch.tensor(0.3, requires_grad=True)
    for _ in range(300):  # plain full-batch gradient descent
        loss = F.binary_cross_entropy_with_logits(x @ w + b, y)
        gw, gb = torch.autograd.grad(loss, (w, b))
        with torch.no_grad():
            w -= 1.0 * gw
            b -= 1.0 * gb
    assert loss.item() == pytest.approx(math.log(2), abs=1e-4)
    assert w.abs().max().item() < 0.02 and abs(b.item()) < 0.02
    probabilities = torch.sigmoid(x @ w + b)
    assert (probabilities - 0.5).abs().max().item() < 0.02
    assert "ln 2 ≈ 0.69" in texts(card("decision-boundary"))


def test_the_playgrounds_linear_model_on_xor_stays_at_chance_anywhere_from_25_to_65_percent():
    from demos import get_demo

    demo = get_demo("playground")
    runs = [demo.run({"dataset": "xor", "hidden_layers": 0, "epochs": 1000}, device=torch.device("cpu"), seed=s)
            for s in range(6)]
    for run in runs:  # the flat solution: the loss stays at ln 2
        assert run.metrics["test_loss"] == pytest.approx(math.log(2), abs=0.03)
    accuracies = [run.metrics["test_acc"] for run in runs]
    assert 0.2 <= min(accuracies) and max(accuracies) <= 0.7  # "anywhere from about 25% to 65%"
    assert max(accuracies) - min(accuracies) > 0.2  # decided by tiny tilts, so it varies widely
    for item in (card("decision-boundary"), question("basics-q-predict-linear-xor")):
        assert "25% to 65%" in texts(item)


# --- the training loop has no softmax step of its own, and zeroes the gradients ------------


def test_the_training_loop_ordering_zeroes_gradients_and_feeds_logits_to_the_loss():
    q = question("basics-q-training-loop-order")
    assert q.answer[0] == "zero" and q.answer[:3] == ["zero", "forward", "loss"]
    assert not any("softmax" in item.text.en.lower() and item.id not in ("loss",) for item in q.items)
    loop = card("training-loop")
    assert "clear the old gradients" in loop.definition.en and "through softmax" not in loop.definition.en


# --- activations -----------------------------------------------------------------------------


def test_gelu_has_its_minimum_of_about_minus_0_17_where_its_derivative_is_zero_near_minus_0_75():
    z = torch.linspace(-3, 0, 300_001, dtype=torch.float64, requires_grad=True)
    y = F.gelu(z)
    (slope,) = torch.autograd.grad(y.sum(), z)
    i = int(slope.abs().argmin())
    assert z[i].item() == pytest.approx(-0.75, abs=0.01)
    assert y[i].item() == pytest.approx(-0.17, abs=0.005)
    assert (y[:-1] < 0).all()  # negative for every negative input
    assert slope[0].abs().item() > 0 and slope[0].abs().item() < 0.05  # tiny, not zero, far out
    said = texts(question("activations-q-gelu-negative"))
    assert "−0.75" in said and "−0.17" in said and "exactly 0 only at" in said


def test_a_dead_relu_unit_comes_back_when_the_layer_below_changes():
    # The unit's own weights get no gradient on an all-negative input ...
    w = torch.tensor([1.0, 1.0], requires_grad=True)
    h = torch.tensor([[-1.0, -2.0], [-0.5, -1.0]])  # what the layer below outputs now
    torch.relu(h @ w).sum().backward()
    assert w.grad.abs().sum().item() == 0
    # ... but once the layer below moves its outputs, the same weights fire again.
    h_later = torch.tensor([[1.0, -0.5], [0.5, 0.2]])
    assert (torch.relu(h_later @ w.detach()) > 0).any()
    assert "not necessarily dead for good" in card("dead-relu").definition.en


def test_sigmoid_slope_is_at_most_a_quarter():
    z = torch.linspace(-10, 10, 20_001, requires_grad=True)
    (slope,) = torch.autograd.grad(torch.sigmoid(z).sum(), z)
    assert slope.max().item() == pytest.approx(0.25, abs=1e-6)


# --- basics ----------------------------------------------------------------------------------

# TensorFlow Playground's input features (playground.ts: x, y, xSquared, ySquared, xTimesY, sinX, sinY)
PLAYGROUND_FEATURES = ("x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2")


def test_tensorflow_playground_offers_seven_input_features():
    example = card("network-layers").example.en
    listed = example.split("(", 1)[1].split(")", 1)[0].split(", ")
    assert tuple(listed) == PLAYGROUND_FEATURES and len(listed) == 7
    assert "7 input features" in example


def test_a_loss_with_a_kink_still_gives_gradients_almost_everywhere():
    # The absolute error is not differentiable at 0 only; autograd picks a subgradient there.
    e = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    e.abs().sum().backward()
    assert e.grad.tolist() == [-1.0, 0.0, 1.0]
    assert "almost everywhere" in card("loss-function-basics").definition.en


# --- optimization ----------------------------------------------------------------------------


def test_zero_slope_and_curvature_do_not_make_a_minimum():
    x = torch.tensor(0.0, requires_grad=True)
    (slope,) = torch.autograd.grad(x**3, x, create_graph=True)
    (curvature,) = torch.autograd.grad(slope, x)
    assert slope.item() == 0 and curvature.item() == 0  # necessary conditions hold ...
    assert (-0.1) ** 3 < 0  # ... yet f goes below f(0) = 0 just left of 0
    assert "not sufficient" in texts(card("local-minimum")) and "x³" in texts(card("local-minimum"))


def test_gradient_descent_on_a_bowl_diverges_beyond_two_over_the_curvature():
    curvature = 4.0  # f(w) = 2 w², f'' = 4

    def final(lr: float) -> float:
        w = 1.0
        for _ in range(100):
            w -= lr * curvature * w
        return abs(w)

    assert final(0.99 * 2 / curvature) < 1 and final(1.01 * 2 / curvature) > 1
    assert "2 divided by the largest curvature" in texts(question("optimization-q-predict-divergence"))


# --- output heads ----------------------------------------------------------------------------


def test_bce_loss_clamps_the_log_at_minus_100_and_loses_the_gradient():
    assert torch.nn.BCELoss()(torch.tensor([0.0]), torch.tensor([1.0])).item() == pytest.approx(100.0)
    z = torch.tensor([-120.0], requires_grad=True)  # a very wrong logit for target 1
    loss = torch.nn.BCELoss()(torch.sigmoid(z), torch.tensor([1.0]))
    loss.backward()
    assert loss.item() == pytest.approx(100.0)  # finite, though the true loss is about 120
    assert z.grad.item() == 0.0  # through the saturated sigmoid nothing comes back
    z2 = z.detach().clone().requires_grad_(True)
    exact = torch.nn.BCEWithLogitsLoss()(z2, torch.tensor([1.0]))
    exact.backward()
    assert exact.item() == pytest.approx(120.0) and z2.grad.item() == pytest.approx(-1.0)
    assert torch.sigmoid(torch.tensor(17.0)).item() == 1.0 > torch.sigmoid(torch.tensor(15.0)).item()
    said = texts(card("binary-cross-entropy")) + texts(question("heads-q-bce-with-logits"))
    assert "−100" in said and "log(0)" not in said


def test_softmax_twice_floors_the_cross_entropy_near_1_46_for_ten_classes():
    best = F.one_hot(torch.tensor([0]), 10).float()  # the most confident softmax output
    floor = F.cross_entropy(best, torch.tensor([0])).item()
    assert floor == pytest.approx(1.46, abs=0.005)
    assert "1.46" in texts(question("heads-q-double-softmax"))


# --- recurrent networks ----------------------------------------------------------------------


def test_an_lstm_cell_keeps_99_percent_after_ten_steps_of_a_0_999_forget_gate():
    assert 0.999**10 == pytest.approx(0.99, abs=0.001)
    q = question("rnn-q-forget-one")
    assert "0.999" in q.prompt.en and "stays at 1" not in q.prompt.en


def test_bahdanau_attention_is_credited_with_additive_scores():
    said = card("attention").example.en
    assert "additive" in said and "Vaswani et al., 2017" in said


# --- what the demos show, as the cards tell it (default settings) ---------------------------


def test_the_rnn_demo_gradient_reaching_the_first_step_before_training():
    from demos import get_demo

    m = get_demo("rnn").run({}, device=torch.device("cpu"), seed=0).metrics
    assert 1e-14 < m["rnn_grad_ratio_at_start"] < 1e-10  # "around 10⁻¹²"
    assert 1e-4 < m["lstm_grad_ratio_at_start"] < 1e-2  # "about 10⁻³"
    example = card("bptt-vanishing").example
    assert "10⁻¹²" in example.en and "10⁻³" in example.en and "10⁻¹²" in example.ko


def test_the_learning_rate_sweep_as_its_card_tells_it():
    from demos import get_demo

    m = get_demo("learning-rate").run({}, device=torch.device("cpu"), seed=0).metrics
    # the default sweep: 0.001, 0.01, 0.1, 1, 10, 100 (lr1 .. lr6)
    assert m["lr1_final_loss"] > 0.9 * m["start_loss"]  # 0.001 hardly moves the loss
    assert m["lr3_final_loss"] < m["lr2_final_loss"] < m["lr1_final_loss"]  # 0.01 slowly, 0.1 well
    assert m["lr4_final_loss"] > 3 * m["lr3_final_loss"]  # 1 ends far worse than 0.1
    assert 0 <= m["lr5_diverged_step"] <= 5 and 0 <= m["lr6_diverged_step"] <= 5  # blow up at once
    assert "0.01 learns slowly, 0.1" in card("learning-rate").example.en
