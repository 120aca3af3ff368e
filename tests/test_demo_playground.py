"""The playground demo: hidden layers bend the boundary that a linear model cannot, the picture
is drawn where the network decides, and the hidden engine trains exactly like the lesson."""

from __future__ import annotations

import inspect
import threading

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from torch import nn

from demos import data2d
from demos.device import single_threaded
from demos.framework import ParamError, Progress, Recorder
from demos.playground import DATASETS, DEMO, engine, figures, lesson

CPU = torch.device("cpu")
SMALL = {"hidden_layers": 2, "width": 6, "epochs": 60, "noise": 0.05}


@pytest.fixture(autouse=True)
def one_thread():
    """As the app runs a demo on a 2-core machine: threads only make 10-point ops wait."""
    with single_threaded():
        yield


def run(seed: int = 0, report=None, stop=None, **params):
    kwargs = {"report": report} if report else {}
    return DEMO.run({**SMALL, **params}, device=CPU, seed=seed, stop=stop, **kwargs)


# --------------------------------------------------------------------------- data

@pytest.mark.parametrize("name", data2d.DATASETS)
def test_generators_are_seeded_and_shaped(name: str) -> None:
    x, y = data2d.make_dataset(name, 101, 0.1, seed=3)
    again_x, again_y = data2d.make_dataset(name, 101, 0.1, seed=3)
    other_x, _ = data2d.make_dataset(name, 101, 0.1, seed=4)
    assert x.shape == (101, 2) and x.dtype == torch.float32
    assert y.shape == (101,) and y.dtype == torch.int64
    assert torch.equal(x, again_x) and torch.equal(y, again_y)
    assert not torch.equal(x, other_x)
    assert set(y.tolist()) == {0, 1}


def test_generators_draw_only_from_their_generator() -> None:
    torch.manual_seed(0)
    first = data2d.spiral(50, 0.1, generator=torch.Generator().manual_seed(1))[0]
    torch.manual_seed(12345)  # the global random state must not matter
    second = data2d.spiral(50, 0.1, generator=torch.Generator().manual_seed(1))[0]
    assert torch.equal(first, second)


def test_shapes_are_the_advertised_ones() -> None:
    g = torch.Generator().manual_seed(0)
    x, y = data2d.circles(400, 0.0, generator=g)
    radius = x.norm(dim=1)
    assert radius[y == 1].max() <= 0.5 + 1e-6 and radius[y == 0].min() >= 0.7 - 1e-6
    x, y = data2d.xor(400, 0.0, generator=g)
    assert ((x[:, 0] * x[:, 1] > 0).long() == y).float().mean() > 0.95
    # The best straight line cuts off one blob: about 75% right, as the docstring says.
    assert 0.7 < ((x[:, 0] + x[:, 1] > 0.5).long() == y).float().mean() < 0.8
    x, y = data2d.spiral(301, 0.0, arms=3, generator=g)
    assert torch.bincount(y).tolist() == [101, 100, 100]
    x, y = data2d.blobs(90, 0.0, classes=3, generator=g)
    assert torch.bincount(y).tolist() == [30, 30, 30]
    with pytest.raises(ValueError):
        data2d.make_dataset("circles", 100, 0.0, classes=3)
    with pytest.raises(ValueError):
        data2d.circles(100, -0.1, generator=g)


def test_split_2d_names_the_three_class_sets_and_partitions_the_points() -> None:
    assert DATASETS == data2d.CHOICES  # the knob's choices, written out to spare PyTorch
    x_tr, y_tr, x_te, y_te = data2d.split_2d("spiral-3", 100, 0.1, 0.3, seed=0)
    assert len(x_tr) == 30 and len(x_te) == 70 and set(torch.cat([y_tr, y_te]).tolist()) == {0, 1, 2}
    x, _ = data2d.make_dataset("spiral", 100, 0.1, classes=3, seed=0)
    together = torch.cat([x_tr, x_te])
    assert torch.equal(together[torch.argsort(together[:, 0])], x[torch.argsort(x[:, 0])])
    with pytest.raises(ValueError):
        data2d.split_2d("circles-3", 100, 0.1, 0.5)
    with pytest.raises(ValueError):
        data2d.train_test_split(x, x[:, 0], 1.0, generator=torch.Generator())


# --------------------------------------------------------------------------- engine == lesson

CASES = [
    # activation, loss, outputs, width, hidden layers
    ("tanh", "squared-error", 1, 8, 6),   # TensorFlow Playground's largest network
    ("relu", "cross-entropy", 1, 5, 2),
    ("sigmoid", "squared-error", 3, 4, 3),
    ("sigmoid", "cross-entropy", 3, 1, 2),  # width 1 < 3 outputs: padded hidden layers
    ("linear", "cross-entropy", 3, 4, 1),
    ("tanh", "cross-entropy", 1, 3, 0),    # no hidden layer at all
]


@pytest.mark.parametrize("activation,loss,outputs,width,hidden", CASES)
def test_engine_step_equals_autograd_and_torch_optim_sgd(activation, loss, outputs, width, hidden) -> None:
    torch.manual_seed(0)
    x = 3 * torch.randn(23, 2)
    y = torch.randint(0, max(outputs, 2), (23,))
    net = lesson.make_model(hidden, width, outputs, activation, loss)
    model = engine.MLP(net, activation, loss)
    lr, l2 = 0.1, 0.01
    weights = [p for name, p in net.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in net.named_parameters() if name.endswith("bias")]
    optimizer = torch.optim.SGD([{"params": weights, "weight_decay": l2}, {"params": biases}], lr=lr)
    trainer = engine.FastTrainer(model, x, y, lr=lr, l2=l2)

    for _ in range(3):  # three passes of batches of 10, 10 and 3 (a partial batch)
        for start in range(0, 23, 10):
            part = slice(start, start + 10)
            with torch.no_grad():
                trainer.step(trainer.x_cols[:, part], trainer.t_cols[:, part])
            optimizer.zero_grad()
            lesson.loss_of(net(x[part]), y[part], loss).backward()
            optimizer.step()
            linears = [m for m in net if isinstance(m, nn.Linear)]
            for (w, b), linear in zip(model.layers(), linears):
                torch.testing.assert_close(w, linear.weight.detach(), atol=1e-5, rtol=1e-4)
                torch.testing.assert_close(b, linear.bias.detach(), atol=1e-5, rtol=1e-4)
    # The padding around narrower layers never moved away from zero.
    assert torch.count_nonzero(model.params * (1 - model.mask)) == 0
    # The engine's per-point losses average to the lesson's loss.
    with torch.no_grad():
        out = net(x)
        assert engine.point_losses(out, y, loss).mean().item() == pytest.approx(
            lesson.loss_of(out, y, loss).item(), rel=1e-5)


@pytest.mark.parametrize("points", [7, 300])  # small batches, and the big-batch tanh path
@pytest.mark.parametrize("loss", ["cross-entropy", "squared-error"])
def test_engine_forward_equals_the_lessons_model(points: int, loss: str) -> None:
    torch.manual_seed(1)
    net = lesson.make_model(3, 6, 3, "tanh", loss)
    trainer = engine.FastTrainer(engine.MLP(net, "tanh", loss), torch.zeros(1, 2),
                                 torch.zeros(1, dtype=torch.long), lr=0.1, l2=0.0)
    x = 4 * torch.randn(points, 2)
    with torch.no_grad():
        torch.testing.assert_close(trainer.outputs(trainer.columns(x)).t(), net(x), atol=1e-5, rtol=1e-4)


def test_engine_has_the_lessons_signature() -> None:
    assert inspect.signature(engine.train) == inspect.signature(lesson.train)
    assert figures.EXTENT == lesson.EXTENT


@pytest.mark.parametrize("params", [
    {"dataset": "circles", "epochs": 12},
    {"dataset": "spiral-3", "loss": "squared-error", "l2": 0.01, "batch_size": 7, "epochs": 8},
    {"dataset": "xor", "hidden_layers": 0, "activation": "relu", "epochs": 10},
])
def test_engine_and_lesson_give_the_same_run(params) -> None:
    settings = {**SMALL, **params}
    fast = DEMO.train(settings, device=CPU, seed=3, report=Recorder())
    plain = DEMO.train(settings, device=CPU, seed=3, report=Recorder(), use_engine=False)
    ok, message = DEMO.agrees(fast, plain)
    assert ok, message
    assert set(fast) == set(plain) and set(fast["metrics"]) == set(plain["metrics"])
    assert fast["history"]["epoch"] == plain["history"]["epoch"]
    np.testing.assert_allclose(fast["history"]["test loss"], plain["history"]["test loss"], atol=1e-5)
    np.testing.assert_allclose(fast["boundary"], plain["boundary"], atol=1e-4)


def test_agrees_catches_a_different_run() -> None:
    a = DEMO.train({**SMALL, "epochs": 10}, device=CPU, seed=0, report=Recorder())
    b = DEMO.train({**SMALL, "epochs": 10}, device=CPU, seed=1, report=Recorder())
    assert not DEMO.agrees(a, b)[0]


# --------------------------------------------------------------------------- the concept

@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("dataset", ["xor", "circles"])
def test_hidden_layers_solve_what_a_linear_model_cannot(dataset: str, seed: int) -> None:
    deep = run(seed, dataset=dataset).metrics
    linear = run(seed, dataset=dataset, hidden_layers=0).metrics
    assert deep["test_acc"] > 0.9
    assert linear["test_acc"] < 0.7  # a straight line cannot cut out a disc or a checkerboard


@pytest.mark.parametrize("seed", [0, 1])
def test_linear_activation_collapses_to_a_linear_model(seed: int) -> None:
    stacked = run(seed, dataset="circles", activation="linear", hidden_layers=4).metrics
    assert stacked["test_acc"] < 0.7


@pytest.mark.parametrize("loss", ["cross-entropy", "squared-error"])
def test_three_blobs_get_three_outputs_and_are_learned(loss: str) -> None:
    result = run(dataset="blobs-3", loss=loss)
    assert result.data["classes"] == 3 and set(result.data["y_train"].tolist()) == {0, 1, 2}
    assert result.metrics["test_acc"] > 0.9
    assert set(np.unique(result.data["boundary"]).tolist()) <= {0.0, 1.0, 2.0}


def test_the_picture_is_drawn_where_the_network_decides() -> None:
    # Read the picture's cell under each training point: it must give the network's own
    # prediction there, so rows really are x2 and columns x1.
    d = (result := run(dataset="moons")).data
    axis = np.linspace(-figures.EXTENT, figures.EXTENT, lesson.GRID)
    x, picture = np.asarray(d["x_train"]), np.asarray(d["boundary"])
    col = np.abs(x[:, :1] - axis).argmin(axis=1)
    row = np.abs(x[:, 1:] - axis).argmin(axis=1)
    from_picture = (picture[row, col] > 0.5).astype(int)
    assert result.metrics["train_acc"] > 0.8  # well above chance, so a flipped grid would show
    assert abs((from_picture == np.asarray(d["y_train"])).mean() - result.metrics["train_acc"]) < 0.05


def test_divergence_is_a_result() -> None:
    result = run(activation="linear", lr=3.0, hidden_layers=6, width=16, epochs=30)
    assert 0 < result.metrics["diverged_epoch"] <= 30
    assert result.metrics["epochs_run"] == result.metrics["diverged_epoch"]
    assert "diverged" in result.summary.en and "발산" in result.summary.ko
    assert len(DEMO.figures(result, "en")) == 2


# --------------------------------------------------------------------------- live, Stop, figures

def test_live_reports_carry_the_picture_and_the_points() -> None:
    seen: list[Progress] = []
    result = run(report=seen.append, dataset="circles", epochs=300)
    done = [p.done for p in seen]
    assert done[0] == 1 and done[-1] == 300 and len(done) <= 101  # a few hundred at most
    for progress in seen:
        assert progress.live["boundary"].shape == (lesson.GRID, lesson.GRID)
        assert 0.0 <= float(progress.live["boundary"].min()) <= float(progress.live["boundary"].max()) <= 1.0
        assert len(progress.live["points"][0]) == len(result.data["x_train"])
    assert set(seen[-1].series) == set(DEMO.live.names)  # every series has a label on screen
    for lang in ("en", "ko"):
        assert isinstance(DEMO.live_picture(seen[-1], lang), go.Figure)
    assert DEMO.live_picture(Progress(1, 2), "en") is None
    np.testing.assert_allclose(seen[-1].live["boundary"], result.data["boundary"], atol=1e-5)


@pytest.mark.parametrize("use_engine", [True, False])
def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained(use_engine: bool) -> None:
    stop, reports = threading.Event(), []

    def press_stop_at_epoch_2(progress):
        reports.append(progress.done)
        if progress.done == 2:
            stop.set()

    recorder = Recorder(press_stop_at_epoch_2, stop)
    out = DEMO.train({**SMALL, "epochs": 200}, device=CPU, seed=0, report=recorder, use_engine=use_engine)
    assert recorder.stopped and reports == [1, 2]
    assert out["history"]["epoch"] == [1, 2] and out["metrics"]["epochs_run"] == 2
    assert 0 < out["metrics"]["test_acc"] <= 1  # measured on the weights trained so far


def test_same_seed_same_run_and_figures_in_both_languages() -> None:
    a, b = run(5, dataset="xor", epochs=20), run(5, dataset="xor", epochs=20)
    assert a.metrics == b.metrics
    english, korean = DEMO.figures(a, "en"), DEMO.figures(a, "ko")
    assert len(english) == len(korean) == 2
    assert "Decision boundary" in english[0].layout.title.text
    assert "결정 경계" in korean[0].layout.title.text and "손실" in str(korean[1].to_dict())
    assert a.summary.en and a.summary.ko
    three = run(dataset="spiral-3", epochs=10)
    assert len(DEMO.figures(three, "ko")) == 2


@pytest.mark.parametrize("bad", [
    {"hidden_layers": 7}, {"width": 0}, {"activation": "gelu"}, {"lr": 0.0}, {"batch_size": 1},
    {"train_ratio": 1.0}, {"dataset": "mnist"}, {"dataset": "circles-3"}, {"epochs": "many"},
    {"epochs": 5000}, {"task": "multiclass"},
])
def test_bad_params_are_refused(bad: dict) -> None:
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0)


def test_benchmark_reports_both_speeds() -> None:
    numbers = engine.benchmark_tf_playground(CPU, epochs=20)
    assert numbers["tf_playground_engine_epochs_per_s"] > 0 and numbers["tf_playground_lesson_epochs_per_s"] > 0
    # The engine measured about ten times faster; demand twice, leaving room for a busy machine.
    assert numbers["tf_playground_speedup"] > 2
