"""Transfer learning: features learned on one task as the start of another.

A small CNN first learns the handwritten digits 0-4 (pretraining). Then it must learn 5-9
from 10, 50 or all labelled images per class, three ways, each from the same new head:
frozen (pretrained layers fixed, only the head learns), fine-tuned (the pretrained layers
learn too, more slowly) and scratch (the same network from random weights).

With moved=True every digit sits somewhere on a 12x12 page: finding strokes wherever they
are is what pretraining learned from 600 digits, and what 10 labels per class teach poorly.
gap="inverted" or "rotated" changes the new task's images (a domain gap).

Run it on its own:  python lesson.py
"""

import copy

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import split_digits

LABELS = {"10": 10, "50": 50, "all": 10_000}  # labelled images per class of the new task
METHODS = ("frozen", "finetuned", "scratch")


def make_backbone():
    # Everything but the last layer: a digit in, 16 small feature maps (flattened) out.
    return nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
    )


def on_page(x, generator):
    """Each 8x8 digit pasted at a random spot of a blank 12x12 page."""
    page = torch.zeros(len(x), 1, 12, 12)
    for i, (row, col) in enumerate(torch.randint(0, 5, (len(x), 2), generator=generator)):
        page[i, :, row:row + 8, col:col + 8] = x[i]
    return page


def shift_domain(x, gap):
    """The new task's images: like the old task's, or changed (a domain gap)."""
    if gap == "inverted":
        return 1 - x  # dark strokes on a light ground
    if gap == "rotated":
        return x.rot90(1, dims=(2, 3))  # a quarter turn to the left
    return x


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def first_per_class(y, count):
    """Row numbers of the first `count` images of each class: the 10 are among the 50."""
    return torch.cat([(y == c).nonzero()[:count, 0] for c in range(5)])


def train(pretrain_steps=100, steps=60, lr=1e-2, finetune_lr=1e-3, moved=True, gap="none",
          *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    torch.manual_seed(seed)
    x_train, y_train, x_test, y_test = split_digits(test_size=600, seed=seed, images=True)
    if moved:  # both tasks: every digit somewhere on a 12x12 page
        pages = torch.Generator().manual_seed(seed)
        x_train, x_test = on_page(x_train, pages), on_page(x_test, pages)
    old, new, new_test = y_train < 5, y_train >= 5, y_test >= 5  # old task 0-4, new task 5-9
    x_old, y_old = x_train[old].to(device), y_train[old].to(device)
    x_old_test, y_old_test = x_test[~new_test].to(device), y_test[~new_test].to(device)
    # The new classes are numbered 0-4 again, for a new head with 5 outputs of its own.
    x_new, y_new = shift_domain(x_train[new], gap).to(device), (y_train[new] - 5).to(device)
    x_new_test = shift_domain(x_test[new_test], gap).to(device)
    y_new_test = (y_test[new_test] - 5).to(device)
    features = make_backbone()(x_old[:1].cpu()).shape[1]  # how many numbers the head reads
    total, every = pretrain_steps + len(LABELS) * steps, 10  # test every 10 steps
    history = {"pretrain": []}  # (step, test accuracy) pairs of each run

    # 1. Pretraining on the old task, in mini-batches of 64 digits.
    backbone = make_backbone().to(device)
    old_model = nn.Sequential(backbone, nn.Linear(features, 5)).to(device)
    optimizer, stopped = torch.optim.Adam(old_model.parameters(), lr=lr), False
    for step in range(1, pretrain_steps + 1):
        old_model.train()
        rows = torch.randint(len(y_old), (64,), device=device)
        loss = F.cross_entropy(old_model(x_old[rows]), y_old[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % every == 0 or step == pretrain_steps:
            history["pretrain"].append((step, accuracy(old_model, x_old_test, y_old_test)))
            if stopped := report(step, total, {"pretrain": history["pretrain"][-1][1]}):
                break
    metrics = {"pretrain_acc": accuracy(old_model, x_old_test, y_old_test), "diverged_runs": 0}

    # 2. The new task three ways, for each number of labels.
    for block, (n, count) in enumerate(LABELS.items()):
        if stopped:
            break
        rows = first_per_class(y_new, count)
        head = nn.Linear(features, 5).to(device)  # the new head: the same start for all three
        models = {"frozen": nn.Sequential(copy.deepcopy(backbone), copy.deepcopy(head)),
                  "finetuned": nn.Sequential(copy.deepcopy(backbone), copy.deepcopy(head)),
                  "scratch": nn.Sequential(make_backbone(), copy.deepcopy(head)).to(device)}
        models["frozen"][0].requires_grad_(False)  # no gradients, so no updates
        optimizers = {
            "frozen": torch.optim.Adam(models["frozen"][1].parameters(), lr=lr),
            # Fine-tuning: the pretrained layers move slowly, the new head at full speed.
            "finetuned": torch.optim.Adam([
                {"params": models["finetuned"][0].parameters(), "lr": finetune_lr},
                {"params": models["finetuned"][1].parameters()}], lr=lr),
            "scratch": torch.optim.Adam(models["scratch"].parameters(), lr=lr)}
        broken = set()  # models whose loss stopped being a finite number
        for step in range(1, steps + 1):
            batch = rows[torch.randperm(len(rows), device=device)[:64]]  # the same for all
            for m, model in models.items():
                model.train()
                loss = F.cross_entropy(model(x_new[batch]), y_new[batch])
                if m in broken or not torch.isfinite(loss):
                    broken.add(m)  # diverged: this one stops learning here
                    continue
                optimizers[m].zero_grad()
                loss.backward()
                optimizers[m].step()
            if step % every == 0 or step == steps:
                latest = {m: accuracy(model, x_new_test, y_new_test) for m, model in models.items()}
                for m in METHODS:
                    history.setdefault(f"{m} {n}", []).append((step, latest[m]))
                if stopped := report(pretrain_steps + block * steps + step, total, latest):
                    break
        for m, net in models.items():
            metrics[f"{m}_acc_{n}"] = accuracy(net, x_new_test, y_new_test)
            metrics[f"{m}_trainable"] = sum(p.numel() for p in net.parameters() if p.requires_grad)
        for m in ("frozen", "finetuned"):  # what pretraining bought, in accuracy
            metrics[f"{m}_gain_{n}"] = metrics[f"{m}_acc_{n}"] - metrics[f"scratch_acc_{n}"]
        metrics["diverged_runs"] += len(broken)
    metrics["labels_all"] = len(first_per_class(y_new, LABELS["all"])) / 5  # per class
    examples = [(y_test == d).nonzero()[0, 0].item() for d in range(10)]  # one of each digit
    shown = torch.cat([x_test[examples[:5]], shift_domain(x_test[examples[5:]], gap)])
    return {"metrics": metrics, "history": history, "labels": LABELS, "moved": moved,
            "gap": gap, "examples": shown[:, 0].numpy()}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:20} {value:.3f}")
