"""K-fold cross-validation, and a leak that makes its score look better than it is.

The development images (all digits except a test set kept aside) are cut into K folds. Model k
trains on every fold but fold k and is scored on fold k, so each image validates exactly once.
The mean of the K scores estimates how well this recipe (network, epochs, preprocessing) does
on new data; their spread shows how much a single split's score owes to luck.

The test set plays no part in that. It checks the estimate afterwards: each fold's model is
also scored on it. An honest cross-validation lands close to the test score; a leak (a
statistic or a near-copy of a validation image reaching training) lands above it.

Run it on its own:  python lesson.py
"""

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import split_digits

TEST_SIZE = 500  # digits kept aside, touched by nothing but the final check
LR = 1e-2


def make_folds(y: torch.Tensor, k: int, stratified: bool, generator: torch.Generator):
    """The fold (0 .. k-1) of every example. Stratified folds deal out each class in turn,
    like cards, so every fold holds (almost) the same share of every digit."""
    order = torch.randperm(len(y), generator=generator)
    if stratified:
        order = order[torch.argsort(y[order], stable=True)]  # by class, shuffled within it
    fold = torch.empty(len(y), dtype=torch.long)
    fold[order] = torch.arange(len(y)) % k
    return fold


def fit_scaler(x: torch.Tensor):
    """Mean and standard deviation of each pixel; a pixel that never varies is left unscaled."""
    std = x.std(0)
    return x.mean(0), torch.where(std > 0, std, torch.ones_like(std))


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def train(folds=5, train_size=300, stratified=True, leak="none", epochs=60, hidden=64,
          *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    torch.manual_seed(seed)
    x, y, x_test, y_test = split_digits(test_size=TEST_SIZE, seed=seed)
    x, y = x[:train_size], y[:train_size]
    image = torch.arange(train_size)  # which original image each row is
    if leak in ("duplicates", "grouped"):
        # Real data sets hold near-copies (the same digit scanned twice): here, every image
        # again with a little pixel noise.
        copies = (x + 0.1 * torch.randn_like(x)).clamp(0, 1)
        x, y, image = torch.cat([x, copies]), torch.cat([y, y]), torch.cat([image, image])

    generator = torch.Generator().manual_seed(seed)
    if leak == "duplicates":  # THE LEAK: rows are split, so a copy and its original part ways
        fold = make_folds(y, folds, stratified, generator)
    else:  # folds of images: every row goes where its original image goes
        fold = make_folds(y[:train_size], folds, stratified, generator)[image]

    runs = []
    for k in range(folds):
        train_rows, val_rows = fold != k, fold == k
        # Preprocessing statistics come from the training folds alone. The "normalize" leak
        # computes them on all the rows, this fold's validation images included.
        mean, std = fit_scaler(x if leak == "normalize" else x[train_rows])
        scale = lambda xs: ((xs - mean) / std).to(device)  # noqa: E731
        model = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10)).to(device)
        runs.append({"model": model, "optimizer": torch.optim.Adam(model.parameters(), lr=LR),
                     "train": (scale(x[train_rows]), y[train_rows].to(device)),
                     "val": (scale(x[val_rows]), y[val_rows].to(device)),
                     "test": (scale(x_test), y_test.to(device))})

    # The K models train side by side, one full-batch step each per epoch, so the live chart
    # shows every fold's validation accuracy as it grows.
    history = {"epoch": [], "val acc": [[] for _ in runs]}
    for epoch in range(1, epochs + 1):
        for k, run in enumerate(runs):
            run["model"].train()
            loss = F.cross_entropy(run["model"](run["train"][0]), run["train"][1])
            run["optimizer"].zero_grad()
            loss.backward()
            run["optimizer"].step()
            history["val acc"][k].append(accuracy(run["model"], *run["val"]))
        history["epoch"].append(epoch)
        latest = {f"fold {k + 1}": curve[-1] for k, curve in enumerate(history["val acc"])}
        if report(epoch, epochs, latest):
            break  # the learner pressed Stop: score what was trained so far

    # The cross-validation score: the mean of the K fold scores, and their spread.
    scores = torch.tensor([accuracy(run["model"], *run["val"]) for run in runs])
    tests = torch.tensor([accuracy(run["model"], *run["test"]) for run in runs])
    counts = torch.stack([torch.bincount(y[fold == k], minlength=10) for k in range(folds)])
    share_gap = (counts / counts.sum(1, keepdim=True) - torch.bincount(y, minlength=10) / len(y))
    metrics = {
        "cv_mean": scores.mean().item(),
        "cv_std": scores.std().item(),  # sample standard deviation (divides by K - 1)
        "cv_min": scores.min().item(), "cv_max": scores.max().item(),
        "test_mean": tests.mean().item(),  # the same K models on the untouched test set
        "optimism": (scores.mean() - tests.mean()).item(),
        "class_share_gap": share_gap.abs().max().item(),  # worst class share off in one fold
        "train_rows_per_fold": (len(y) - len(y) / folds),
        "models_trained": float(folds),
    }
    return {"metrics": metrics, "history": history, "fold_scores": scores.tolist(),
            "test_scores": tests.tolist(), "class_counts": counts.tolist()}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:20} {value:.3f}")
