"""Output heads and losses: one data set, three questions, three classic mistakes.

The same handwritten digits (real 8x8 images) answer three questions, each with its own
output layer ("head") and loss:
* binary       is the digit even?    1 logit, a sigmoid, binary cross-entropy (BCE)
* multiclass   which digit is it?    10 logits, a softmax, cross-entropy
* multi-label  which tags apply?     3 logits, a sigmoid per tag, BCE per tag
               (even, five or more, round: 0 6 8 9). An 8 has all three tags, a 1 none.
Three classic mistakes train next to them: a softmax before a loss that applies its own, a
softmax over tags that are not exclusive, and mean squared error on softmax probabilities.
All six networks start from the same hidden layers and see the same batches: only the head
and the loss differ.

Run it on its own:  python lesson.py
"""

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import split_digits

# Each setup and how many outputs its head has. The last three are the mistakes.
SETUPS = {"binary": 1, "multiclass": 10, "multilabel": 3,
          "double_softmax": 10, "multilabel_softmax": 3, "mse": 10}
EXAMPLE_DIGITS = (8, 0, 7, 1)  # 3, 2, 1 and 0 tags


def tags(y):
    """The three yes/no tags of each digit as 0/1 columns: even, five or more, round."""
    round_digit = (y == 0) | (y == 6) | (y == 8) | (y == 9)
    return torch.stack([y % 2 == 0, y >= 5, round_digit], dim=1).float()


def loss_fn(name, logits, y):
    """Each setup's loss, from the model's raw outputs (logits) and the digit labels y."""
    if name == "binary":  # the sigmoid lives inside the loss, where it is computed stably
        return F.binary_cross_entropy_with_logits(logits[:, 0], (y % 2 == 0).float())
    if name == "multiclass":  # cross_entropy wants logits: it applies log-softmax itself
        return F.cross_entropy(logits, y)
    if name == "multilabel":  # one independent yes/no question per tag
        return F.binary_cross_entropy_with_logits(logits, tags(y))
    if name == "double_softmax":  # MISTAKE: probabilities into a loss that softmaxes again
        return F.cross_entropy(logits.softmax(dim=1), y)
    if name == "multilabel_softmax":  # MISTAKE: softmax makes the tags' probabilities sum to 1
        return F.binary_cross_entropy(logits.softmax(dim=1), tags(y))
    # MISTAKE: a regression loss on probabilities, flat exactly where the model is badly wrong
    return F.mse_loss(logits.softmax(dim=1), F.one_hot(y, 10).float())


def evaluate(name, model, x, y):
    """Accuracy and the head's probabilities, with training switched off."""
    model.eval()
    with torch.no_grad():
        logits = model(x)
    if name in ("binary", "multilabel"):  # a sigmoid per output: each is its own yes/no
        p = torch.sigmoid(logits)
    else:  # the other heads output a softmax (the mistakes too)
        p = logits.softmax(dim=1)
    if name == "binary":  # "even" when P(even) > 0.5
        right = (p[:, 0] > 0.5) == (y % 2 == 0)
    elif SETUPS[name] == 3:  # tags: right only when all three tags are right
        right = ((p > 0.5) == tags(y).bool()).all(dim=1)
    else:  # the most probable digit
        right = p.argmax(dim=1) == y
    return right.float().mean().item(), p


def make_model(hidden, outputs, seed):
    """The same MLP for every setup; only its last layer, the head, differs in width."""
    torch.manual_seed(seed)  # the same seed: every model starts from the same hidden layers
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, outputs))


def train(steps=200, batch_size=64, optimizer="sgd", lr=0.1, hidden=64,
          *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    x_train, y_train, x_val, y_val = split_digits(test_size=500, seed=seed)
    x_train, y_train = x_train.to(device), y_train.to(device)
    x_val, y_val = x_val.to(device), y_val.to(device)

    models = {name: make_model(hidden, out, seed).to(device) for name, out in SETUPS.items()}
    optimizers = {name: torch.optim.Adam(model.parameters(), lr=lr) if optimizer == "adam"
                  else torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
                  for name, model in models.items()}
    history = {name: {"step": [], "val acc": [], "grad norm": []} for name in models}
    diverged = {}  # name -> the step its outputs stopped being finite numbers
    every = max(1, steps // 25)

    for step in range(1, steps + 1):
        due = step == 1 or step % every == 0 or step == steps
        idx = torch.randint(len(x_train), (batch_size,))  # one random batch, the same for all
        xb, yb = x_train[idx], y_train[idx]
        for name, model in models.items():
            if name in diverged:
                continue
            logits = model(xb)
            if not torch.isfinite(logits).all():  # steps too large: it diverged, and is done
                diverged[name] = step
                continue
            loss = loss_fn(name, logits, yb)
            optimizers[name].zero_grad()
            loss.backward()
            if due:  # ‖∂L/∂θ‖ over all weights: how hard this loss pushes them
                grads = torch.cat([p.grad.flatten() for p in model.parameters()])
                history[name]["grad norm"].append(grads.norm().item())
            optimizers[name].step()
        if due:
            latest = {}
            for name, model in models.items():
                if name not in diverged:
                    latest[name] = evaluate(name, model, x_val, y_val)[0]
                    history[name]["step"].append(step)
                    history[name]["val acc"].append(latest[name])
                    model.train()  # back to training mode after evaluate()
            if report(step, steps, latest):  # True when the learner pressed Stop
                break

    metrics, probs = {}, {}
    for name, model in models.items():
        metrics[f"{name}_acc"], probs[name] = evaluate(name, model, x_val, y_val)
        metrics[f"{name}_grad_start"] = (history[name]["grad norm"] or [float("nan")])[0]
        metrics[f"{name}_diverged_step"] = diverged.get(name, 0)
        if name != "binary":  # softmax rows sum to 1; sigmoid tags need not
            metrics[f"{name}_row_sum"] = probs[name].sum(dim=1).mean().item()
    sums = probs["multilabel"].sum(dim=1)
    metrics["multilabel_rows_not_one"] = ((sums - 1).abs() > 0.05).float().mean().item()
    examples = [int((y_val == d).nonzero()[0]) for d in EXAMPLE_DIGITS]
    return {"metrics": metrics, "history": history,
            "example_images": x_val[examples].cpu().numpy(), "example_labels": list(EXAMPLE_DIGITS),
            "example_probs": {name: p[examples].cpu().numpy() for name, p in probs.items()}}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:30} {value:.3f}")
