"""A tiny Transformer learns to reverse 8 random digits, and we watch where it looks.

    3 1 4 1 5 9 2 6   ->   6 2 9 5 1 4 1 3

Output position i must fetch input position 7 - i. Self-attention fetches it, but a digit's
vector says nothing about where it stands: positional encodings add that. The attention weights
of a trained model (query position x key position) form an anti-diagonal. Switch positions off,
add a causal mask (position i sees only 0..i, as in GPT), change the heads, copy, or sort.
Run it on its own:  python lesson.py
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

DIGITS, LENGTH, BATCH_SIZE = 10, 8, 64


def make_batch(count, task, generator):
    """Random digit sequences x (count, LENGTH) and the answer y for every position."""
    x = torch.randint(0, DIGITS, (count, LENGTH), generator=generator)
    return x, {"reverse": x.flip(1), "sort": x.sort(1).values, "copy": x}[task]


def sinusoidal_positions(length, d):
    """Vaswani et al. (2017): PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(...)."""
    position = torch.arange(length).unsqueeze(1)
    frequency = torch.exp(-math.log(10000.0) * torch.arange(0, d, 2) / d)
    pe = torch.zeros(length, d)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(position * frequency), torch.cos(position * frequency)
    return pe  # (length, d): a different pattern of waves for every position


class SelfAttention(nn.Module):
    """Multi-head scaled dot-product self-attention, softmax(QKᵀ / √d_head) V."""

    def __init__(self, d, heads, causal):
        super().__init__()
        self.heads, self.causal = heads, causal
        self.q, self.k, self.v, self.out = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x):  # x: (N, T, d)
        n, t, d = x.shape
        d_head = d // self.heads  # each head gets its own slice of the features
        # (N, T, d) -> (N, T, heads, d_head) -> (N, heads, T, d_head)
        q, k, v = (f(x).view(n, t, self.heads, d_head).transpose(1, 2)
                   for f in (self.q, self.k, self.v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(d_head)  # (N, heads, T, T)
        if self.causal:  # position i may not look at any later position j > i
            later = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(diagonal=1)
            scores = scores.masked_fill(later, float("-inf"))
        weights = scores.softmax(dim=-1)  # each query's weights over the keys sum to 1
        mixed = (weights @ v).transpose(1, 2).reshape(n, t, d)  # heads side by side again
        return self.out(mixed), weights


class Block(nn.Module):
    """x + attention(norm(x)), then x + feed_forward(norm(x)): pre-norm residuals, as GPT-2."""

    def __init__(self, d, heads, causal):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attention = SelfAttention(d, heads, causal)
        self.feed_forward = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        mixed, weights = self.attention(self.norm1(x))
        x = x + mixed  # positions exchange information here ...
        return x + self.feed_forward(self.norm2(x)), weights  # ... and are processed here


class TinyTransformer(nn.Module):
    def __init__(self, d, heads, layers, positions, causal):
        super().__init__()
        self.embed = nn.Embedding(DIGITS, d)
        if positions == "learned":  # one trained vector per position, as in GPT
            self.position = nn.Parameter(0.1 * torch.randn(LENGTH, d))
        else:  # fixed sines and cosines, or none at all (zeros: nothing to tell positions apart)
            pe = sinusoidal_positions(LENGTH, d)
            self.register_buffer("position", pe if positions == "sinusoidal" else 0 * pe)
        self.blocks = nn.ModuleList(Block(d, heads, causal) for _ in range(layers))
        self.norm = nn.LayerNorm(d)
        self.readout = nn.Linear(d, DIGITS)

    def forward(self, x):
        h = self.embed(x) + self.position  # what each digit is + where it stands
        maps = []  # the attention weights of every layer
        for block in self.blocks:
            h, weights = block(h)
            maps.append(weights)
        return self.readout(self.norm(h)), maps  # logits (N, T, DIGITS), one map per layer


def train(task="reverse", positions="sinusoidal", heads=2, causal=False, layers=1, d_model=48,
          steps=150, lr=3e-3, *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    if d_model % heads or d_model % 2:  # heads share d_model equally; sin/cos come in pairs
        raise ValueError(f"d_model={d_model} must be even and a multiple of heads={heads}")
    torch.manual_seed(seed)
    data = torch.Generator().manual_seed(seed)
    x_test, y_test = (t.to(device) for t in make_batch(1000, task, data))  # never trained on
    model = TinyTransformer(d_model, heads, layers, positions, causal).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    half, every, diverged = LENGTH // 2, max(1, steps // 100), 0  # about a hundred reports
    history = {"step": [], "loss": [], "first half": [], "second half": []}
    for step in range(1, steps + 1):
        model.train()
        x, y = (t.to(device) for t in make_batch(BATCH_SIZE, task, data))  # fresh digits
        logits, _ = model(x)
        loss = F.cross_entropy(logits.reshape(-1, DIGITS), y.reshape(-1))  # every position
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if not math.isfinite(loss.item()):  # diverged (the rate is too high): a result, not a crash
            diverged = step
            break
        if step % every == 0 or step == steps:
            right = (logits.argmax(-1) == y).float()  # this batch, by output position
            latest = {"first half": right[:, :half].mean().item(),
                      "second half": right[:, half:].mean().item()}
            for name, value in {"step": step, "loss": loss.item(), **latest}.items():
                history[name].append(value)
            model.eval()
            with torch.no_grad():  # where the model looks now, for one test example
                _, maps = model(x_test[:1])
            if report(step, steps, latest, attention=[m[0].tolist() for m in maps],
                      tokens=x_test[0].tolist()):
                break  # the learner pressed Stop

    model.eval()
    with torch.no_grad():
        logits, maps = model(x_test)
    right = (logits.argmax(-1) == y_test).float()
    # Reversal's right place to look: mean weight on the mirror input (heads averaged, best layer)
    mirror = max(m.mean((0, 1)).flip(-1).diagonal().mean().item() for m in maps)
    loss = F.cross_entropy(logits.reshape(-1, DIGITS), y_test.reshape(-1)).item()
    metrics = {"test_acc": right.mean().item(), "first_half_acc": right[:, :half].mean().item(),
               "second_half_acc": right[:, half:].mean().item(), "test_loss": loss,
               "sequence_acc": right.all(1).float().mean().item(),  # all 8 digits right
               "mirror_attention": mirror, "diverged_step": diverged}
    return {"metrics": metrics, "history": history, "position_acc": right.mean(0).tolist(),
            "tokens": x_test[0].tolist(), "predicted": logits[0].argmax(-1).tolist(),
            "attention": [m[0].tolist() for m in maps]}  # (layer, head, query, key)


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:18} {value:.3f}")
