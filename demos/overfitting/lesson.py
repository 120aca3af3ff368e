"""Overfitting, and three cures: dropout, an L2 penalty and early stopping.

Two copies of one small MLP learn from the same few handwritten digits (real 8x8 images),
and a share of their training labels is wrong on purpose. The plain copy has no
regularization; the other uses the cures you switch on. Both start from the same weights
and see the same images, so the cures are the only difference.

Watch the plain copy: its training loss keeps falling while its validation loss turns and
climbs. It is memorizing its few images, wrong labels included. That widening gap between
training and validation is overfitting.

Run it on its own:  python lesson.py
"""

import copy

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import split_digits


def make_mlp(hidden: int, dropout: float) -> nn.Sequential:
    # nn.Dropout zeroes each unit with probability p while training and scales the rest by
    # 1/(1 - p); model.eval() switches it off.
    return nn.Sequential(
        nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, 10),
    )


def l2_penalty(model: nn.Module) -> torch.Tensor:
    """Half the sum of squared weights; biases are left alone, as usual."""
    return sum((layer.weight ** 2).sum() for layer in model if isinstance(layer, nn.Linear)) / 2


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Loss and accuracy with dropout switched off."""
    model.eval()
    with torch.no_grad():
        logits = model(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def train(train_size=150, label_noise=0.2, dropout=0.5, l2=1e-3, early_stopping=True,
          patience=20, epochs=200, hidden=128, lr=3e-3, *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    torch.manual_seed(seed)

    # 600 digits to validate on; the first `train_size` of the rest to train on.
    x_train, y_train, x_val, y_val = split_digits(test_size=600, seed=seed)
    x_train, y_train = x_train[:train_size], y_train[:train_size]
    # Real labels are noisy: give a share of the training images a wrong class.
    wrong = torch.rand(train_size) < label_noise
    y_train = torch.where(wrong, (y_train + torch.randint(1, 10, (train_size,))) % 10, y_train)
    x_train, y_train = x_train.to(device), y_train.to(device)
    x_val, y_val = x_val.to(device), y_val.to(device)

    models = {"plain": make_mlp(hidden, dropout=0.0), "regularized": make_mlp(hidden, dropout)}
    models["regularized"].load_state_dict(models["plain"].state_dict())  # the same start
    penalty = {"plain": 0.0, "regularized": l2}
    optimizers = {}
    for name, model in models.items():
        model.to(device)
        optimizers[name] = torch.optim.Adam(model.parameters(), lr=lr)

    history = {name: {"epoch": [], "train loss": [], "val loss": [], "train acc": [], "val acc": []}
               for name in models}
    best = {name: {"val loss": float("inf"), "epoch": 0, "weights": None} for name in models}
    stopped_at = {}  # name -> the epoch early stopping ended it

    for epoch in range(1, epochs + 1):
        for name, model in models.items():
            if name in stopped_at:
                continue
            model.train()
            loss = F.cross_entropy(model(x_train), y_train) + penalty[name] * l2_penalty(model)
            optimizers[name].zero_grad()
            loss.backward()
            optimizers[name].step()

            train_loss, train_acc = evaluate(model, x_train, y_train)
            val_loss, val_acc = evaluate(model, x_val, y_val)
            for key, value in [("epoch", epoch), ("train loss", train_loss), ("val loss", val_loss),
                               ("train acc", train_acc), ("val acc", val_acc)]:
                history[name][key].append(value)

            # Early stopping: keep the weights of the best validation loss so far, and stop
            # once `patience` epochs have passed without beating it.
            if val_loss < best[name]["val loss"]:
                best[name] = {"val loss": val_loss, "epoch": epoch,
                              "weights": copy.deepcopy(model.state_dict())}
            elif (name == "regularized" and early_stopping
                  and epoch - best[name]["epoch"] >= patience):
                model.load_state_dict(best[name]["weights"])
                stopped_at[name] = epoch

        latest = {f"{name} {kind}": history[name][kind][-1] for name in models
                  for kind in ("train loss", "val loss") if history[name]["epoch"][-1] == epoch}
        if report(epoch, epochs, latest):  # True when the learner pressed Stop
            break

    metrics = {"regularized_stopped_epoch": stopped_at.get("regularized", 0)}
    for name, model in models.items():
        train_loss, train_acc = evaluate(model, x_train, y_train)
        val_loss, val_acc = evaluate(model, x_val, y_val)
        metrics.update({
            f"{name}_train_loss": train_loss, f"{name}_val_loss": val_loss,
            f"{name}_train_acc": train_acc, f"{name}_val_acc": val_acc,
            f"{name}_acc_gap": train_acc - val_acc, f"{name}_loss_gap": val_loss - train_loss,
        })
    return {"metrics": metrics, "history": history, "epochs": epochs}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:28} {value:.3f}")
