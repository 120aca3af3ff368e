"""Hyperparameter search: grid search, random search and successive halving, same budget.

Every trial is a real training run: a small MLP learns 500 handwritten digits for a few
epochs with plain SGD and is scored on 300 validation digits. Two hyperparameters are
searched on a log scale: the learning rate and a second one (weight decay or hidden width).
Each search gets the same budget in epochs of training: a 3 x 3 grid of 9-epoch trials
costs 81 epochs, and so do 9 random trials.

- Grid search tries k values of each: k*k trials, but only k different learning rates.
- Random search draws k*k configurations: k*k different learning rates. When one
  hyperparameter matters far more than the other, that is what counts (Bergstra and
  Bengio, 2012).
- Successive halving starts 3*k*k random configurations on a ninth of the epochs, keeps the
  best third and triples their epochs, twice: it looks at many more configurations and
  trains only the promising ones for all the epochs.

Each search picks its winner on the validation digits; 300 test digits are used only at the
end, to report how the three winners do on new data.

Run it on its own:  python lesson.py
"""

import itertools

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import split_digits

TRAIN_SIZE, BATCH = 500, 50  # small on purpose: each trial must be a short training run
HIDDEN = 32  # the width when the width is not searched
# The ranges of the second hyperparameter. Each spans orders of magnitude: a log scale.
SECOND = {"weight_decay": (1e-5, 1e-2), "hidden": (8, 128)}


def train_one(config, epochs, data, seed):
    """One trial: train a fresh MLP with these hyperparameters; score it on validation."""
    x_train, y_train, x_val, y_val = data
    torch.manual_seed(seed)  # every trial starts from the same weights and sees the same batches
    hidden = round(config.get("hidden", HIDDEN))
    model = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10)).to(x_val.device)
    optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"],
                                weight_decay=config.get("weight_decay", 0.0))
    for epoch in range(1, epochs + 1):
        model.train()
        for batch in torch.randperm(len(y_train)).split(BATCH):
            loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
            if not torch.isfinite(loss):  # steps too large: the weights blew up, stop here
                return model, accuracy(model, x_val, y_val), epoch, True
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model, accuracy(model, x_val, y_val), epochs, False  # ..., epochs run, diverged


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def log_grid(low, high, k):
    """k values evenly spaced on a log scale, both ends included: 0.001, 0.055, 3 for k = 3."""
    return [low * (high / low) ** (i / (k - 1)) for i in range(k)]


def log_uniform(low, high, generator):
    """A random value whose logarithm is uniform: every decade is equally likely."""
    return low * (high / low) ** torch.rand(1, generator=generator).item()


def train(grid_points=3, epochs=9, second="weight_decay", lr_min=0.001, lr_max=3.0,
          *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    x_train, y_train, x_held, y_held = split_digits(test_size=600, seed=seed)
    data = (x_train[:TRAIN_SIZE].to(device), y_train[:TRAIN_SIZE].to(device),
            x_held[:300].to(device), y_held[:300].to(device))  # train, validation
    x_test, y_test = x_held[300:].to(device), y_held[300:].to(device)  # kept for the very end

    space = {"lr": (lr_min, lr_max), second: SECOND[second]}
    budget = grid_points ** 2 * epochs  # epochs of training each search may spend
    draws = torch.Generator().manual_seed(seed)  # random configurations, apart from training
    trials, best, spent, stopped = [], {}, {}, False

    def run(method, configs, trial_epochs):
        """Train each configuration for trial_epochs; return their validation scores."""
        nonlocal stopped
        scores = []
        for config in configs:
            model, score, ran, diverged = train_one(config, trial_epochs, data, seed)
            spent[method] = spent.get(method, 0) + ran  # a diverged trial stops early
            if method not in best or score > best[method]["val acc"]:
                best[method] = {"val acc": score, "model": model}
            scores.append(score)
            trials.append({"method": method, **config, "epochs": trial_epochs, "val acc": score,
                           "diverged": diverged, "spent": spent[method],
                           "best so far": best[method]["val acc"]})
            if report(spent[method], budget, {method: best[method]["val acc"]}):
                stopped = True  # the learner pressed Stop
                break
        return scores

    # Grid search: every combination of grid_points values per hyperparameter.
    axes = [log_grid(low, high, grid_points) for low, high in space.values()]
    grid = [dict(zip(space, values)) for values in itertools.product(*axes)]
    run("grid", grid, epochs)

    # Random search: as many trials, each hyperparameter drawn on its own log scale.
    def draw():
        return {name: log_uniform(low, high, draws) for name, (low, high) in space.items()}

    if not stopped:
        run("random", [draw() for _ in grid], epochs)

    # Successive halving: three times as many configurations on a ninth of the epochs; keep
    # the best third and triple their epochs, twice. Each of the three rungs costs a third of
    # the budget (27 x 1, 9 x 3 and 3 x 9 epochs by default).
    configs = [draw() for _ in range(3 * len(grid))]
    for rung_epochs in (epochs // 9, epochs // 3, epochs):
        if stopped:
            break
        scores = run("halving", configs, rung_epochs)
        ranked = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
        configs = [configs[i] for i in ranked[:max(1, len(configs) // 3)]]  # the best third

    metrics = {}
    for method in ("grid", "random", "halving"):
        winner = best.get(method)  # None when Stop came before this search began
        metrics[f"{method}_val_acc"] = winner["val acc"] if winner else 0.0
        # The test set only reports how the chosen model does; it never chooses.
        metrics[f"{method}_test_acc"] = accuracy(winner["model"], x_test, y_test) if winner else 0.0
        metrics[f"{method}_epochs_spent"] = spent.get(method, 0)
        metrics[f"{method}_trials"] = sum(t["method"] == method for t in trials)
        metrics[f"{method}_learning_rates"] = len({t["lr"] for t in trials
                                                   if t["method"] == method})
    metrics["random_minus_grid"] = metrics["random_val_acc"] - metrics["grid_val_acc"]
    metrics["halving_minus_random"] = metrics["halving_val_acc"] - metrics["random_val_acc"]
    return {"metrics": metrics, "trials": trials, "budget": budget, "second": second,
            "space": space}


if __name__ == "__main__":
    torch.set_num_threads(1)  # tiny networks: waking more threads costs more than it saves
    for name, value in train()["metrics"].items():
        print(f"{name:24} {value:.3f}")
