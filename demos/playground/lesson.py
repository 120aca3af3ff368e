"""A neural-network playground: a small MLP bends its decision boundary around 2-D points.

This is TensorFlow Playground written in PyTorch. Pick a data set, stack up to six hidden
layers, choose an activation, and watch the picture: the class the network predicts at every
point of the plane, redrawn while it trains. With no hidden layer the boundary is a straight
line; hidden layers with a nonlinear activation bend it around circles, XOR and spirals.

Run it on its own:  python lesson.py
"""

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from demos.data import split_2d

POINTS = 500  # training plus test points, as in TensorFlow Playground
# TensorFlow Playground's geometry: the points fill a disc of radius about 5 and the picture
# covers [-6, 6]. The scale matters: inputs of size ~5 push the first layer's tanh units out
# of their nearly linear middle, which gives a deep tanh network the variety a spiral needs.
SCALE, EXTENT, GRID = 5.0, 6.0, 100
ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "linear": nn.Identity}
REPORTS = 100  # about this many live pictures per run


def make_model(hidden_layers, width, outputs, activation, loss):
    sizes = [2] + [width] * hidden_layers + [outputs]
    layers = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), ACTIVATIONS[activation]()]
    layers.pop()  # the output layer gives logits, no activation...
    if loss == "squared-error":
        layers.append(nn.Tanh())  # ...except for squared error: a score in [-1, 1]
    return nn.Sequential(*layers)


def loss_of(out, y, loss):
    """The mean loss of a batch: outputs (n, outputs), class labels (n,)."""
    if loss == "squared-error":
        # TensorFlow Playground's loss: tanh outputs, targets +1 and -1. Its gradient carries
        # a factor 1 - out^2 that vanishes where a tanh saturates on the wrong side, so a
        # confidently wrong point barely teaches.
        target = F.one_hot(y, out.shape[1]) if out.shape[1] > 1 else y[:, None]
        return 0.5 * (out - (2 * target - 1)).pow(2).sum(1).mean()
    # Cross-entropy: a sigmoid (one output) or a softmax turns logits into probabilities. Its
    # gradient is probability - label: largest where the network is confidently wrong.
    if out.shape[1] == 1:  # two classes: one output, the log-odds of class 1
        return F.binary_cross_entropy_with_logits(out[:, 0], y.float())
    return F.cross_entropy(out, y)


def predict(out):
    """The predicted class: the sign of a single output, else the largest output."""
    return (out[:, 0] > 0).long() if out.shape[1] == 1 else out.argmax(1)


@torch.no_grad()
def evaluate(model, x, y, loss):
    model.eval()
    out = model(x)
    return loss_of(out, y, loss).item(), (predict(out) == y).float().mean().item()


@torch.no_grad()
def boundary(model, grid, loss):
    """The picture: at each grid point the belief in class 1 (in [0, 1]), or with three
    classes the predicted class. Row i of the GRID x GRID result is the line x2 = axis[i]."""
    model.eval()
    out = model(grid)
    if out.shape[1] > 1:
        belief = out.argmax(1).float()
    else:
        belief = (out[:, 0] + 1) / 2 if loss == "squared-error" else torch.sigmoid(out[:, 0])
    return belief.view(GRID, GRID).cpu()


def train(dataset="circles", hidden_layers=2, width=8, activation="tanh", loss="cross-entropy",
          lr=0.03, l2=0.0, noise=0.0, train_ratio=0.5, batch_size=10, epochs=300,
          *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live picture
    torch.manual_seed(seed)

    x_train, y_train, x_test, y_test = split_2d(dataset, POINTS, noise, train_ratio, seed=seed)
    x_train, y_train = (SCALE * x_train).to(device), y_train.to(device)
    x_test, y_test = (SCALE * x_test).to(device), y_test.to(device)
    classes = int(y_train.max()) + 1  # "spiral-3" and "blobs-3" have three
    model = make_model(hidden_layers, width, 1 if classes == 2 else classes, activation, loss)
    model.to(device)
    # L2 regularization as weight decay, on the weights only: a bias just shifts a boundary.
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    optimizer = torch.optim.SGD([{"params": weights, "weight_decay": l2}, {"params": biases}],
                                lr=lr)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True)

    axis = torch.linspace(-EXTENT, EXTENT, GRID, device=device)
    x2, x1 = torch.meshgrid(axis, axis, indexing="ij")
    grid = torch.stack([x1.flatten(), x2.flatten()], dim=1)  # the picture's points, row by row
    points = (x_train.cpu(), y_train.cpu())  # drawn over the live picture

    history = {"epoch": [], "train loss": [], "test loss": [], "train acc": [], "test acc": []}
    diverged_at, every = 0, max(1, epochs // REPORTS)
    for epoch in range(1, epochs + 1):
        model.train()
        for xb, yb in loader:  # a new shuffle every epoch
            batch_loss = loss_of(model(xb), yb, loss)
            optimizer.zero_grad()
            batch_loss.backward()
            optimizer.step()

        train_loss, train_acc = evaluate(model, x_train, y_train, loss)
        test_loss, test_acc = evaluate(model, x_test, y_test, loss)
        for key, value in zip(history, (epoch, train_loss, test_loss, train_acc, test_acc)):
            history[key].append(value)
        if not math.isfinite(train_loss):  # steps too large: the weights blew up
            diverged_at = epoch
            break
        if epoch == 1 or epoch % every == 0 or epoch == epochs:
            losses = {"train loss": train_loss, "test loss": test_loss}
            if report(epoch, epochs, losses, boundary=boundary(model, grid, loss), points=points):
                break  # the learner pressed Stop

    metrics = {}  # measured on what was trained, also after Stop or divergence
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        metrics[f"{split}_loss"], metrics[f"{split}_acc"] = evaluate(model, x, y, loss)
    metrics.update(epochs_run=len(history["epoch"]), diverged_epoch=diverged_at)
    return {"metrics": metrics, "history": history, "boundary": boundary(model, grid, loss),
            "x_train": points[0], "y_train": points[1], "x_test": x_test.cpu(),
            "y_test": y_test.cpu(), "classes": classes}


if __name__ == "__main__":
    torch.set_num_threads(1)  # ops on 10 points: waking more threads costs more than it saves
    for name, value in train()["metrics"].items():
        print(f"{name:16} {value:.3f}")
