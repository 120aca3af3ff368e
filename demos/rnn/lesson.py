"""RNN, LSTM and GRU: who can remember a symbol across a long delay?

Each sequence starts with one of four symbols (A, B, C, D), marked by a flag, followed by
`delay` random distractors from the same four. At the end the network must say which symbol
came first, so it has to carry that one symbol through all the noise. Guessing scores 25%.

    B* D A A C D B ... C   ->   "B"

A vanilla RNN, an LSTM and a GRU (same hidden size, same linear read-out) train on the same
batches, each with its own optimizer. After a long delay the RNN is left guessing while the
gated networks remember. Why: ‖∂loss/∂h_t‖ measures the learning signal that reaches step t.
Through the RNN's repeated tanh updates it shrinks geometrically; the LSTM adds to its cell
state through a forget gate that can stay near 1, so the signal survives.

Run it on its own:  python lesson.py
"""

import torch
import torch.nn.functional as F
from torch import nn

SYMBOLS = 4  # A, B, C, D
BATCH_SIZE = 128
KINDS = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}


def make_sequences(count, delay, generator):
    """One-hot symbols plus a "remember this" flag on step 0: x (count, delay + 1, 5), answers y."""
    symbols = torch.randint(0, SYMBOLS, (count, delay + 1), generator=generator)
    flag = torch.zeros(count, delay + 1, 1)
    flag[:, 0] = 1.0
    return torch.cat([F.one_hot(symbols, SYMBOLS).float(), flag], dim=-1), symbols[:, 0]


class Recaller(nn.Module):
    """A one-layer recurrent network read out by a linear layer after the last step."""

    def __init__(self, kind, hidden):
        super().__init__()
        self.recurrent = KINDS[kind](SYMBOLS + 1, hidden, batch_first=True)  # nn.RNN uses tanh
        self.readout = nn.Linear(hidden, SYMBOLS)

    def forward(self, x):
        states, _ = self.recurrent(x)  # (batch, steps, hidden): h_t for every t
        return self.readout(states[:, -1])  # only the last state has to know the answer


def init_gates_to_remember(model, longest=100):
    """Chrono initialization (Tallec & Ollivier, 2018). PyTorch's small random biases start an
    LSTM's forget gate near σ(0) = 0.5: it halves its memory every step. A bias b = log(u), u
    uniform in [1, longest], gives σ(b) = u / (1 + u): a memory of about u steps. A vanilla RNN
    has no gate to set: that missing mechanism is what this lesson is about."""
    rnn, h = model.recurrent, model.recurrent.hidden_size
    b = torch.log(torch.empty(h).uniform_(1.0, longest))
    with torch.no_grad():
        if isinstance(rnn, nn.LSTM):  # gates stacked as input, forget, cell, output
            # Forget gate σ(b): keep long; input gate σ(-b): write little.
            rnn.bias_ih_l0[:2 * h], rnn.bias_hh_l0[:2 * h] = torch.cat([-b, b]), 0.0
        elif isinstance(rnn, nn.GRU):  # reset, update, new; the update gate keeps the old h
            rnn.bias_ih_l0[h:2 * h], rnn.bias_hh_l0[h:2 * h] = b, 0.0


def gradient_through_time(model, x, y):
    """‖∂loss/∂h_t‖ at every step t, averaged over sequences. The layer runs one step at a
    time so that every h_t is a tensor we can differentiate with respect to."""
    state, hs = None, []
    for t in range(x.shape[1]):
        _, state = model.recurrent(x[:, t:t + 1], state)
        hs.append(state[0] if isinstance(state, tuple) else state)  # an LSTM's state is (h, c)
    # Summed, not averaged, so each sequence's gradient is its own, not divided by the batch.
    loss = F.cross_entropy(model.readout(hs[-1][0]), y, reduction="sum")  # states: (1, N, H)
    return [g.norm(dim=-1).mean().item() for g in torch.autograd.grad(loss, hs)]


def share_at_first_step(grads):
    """How much of the gradient at the answer reaches back to the symbol to remember."""
    return grads[0] / grads[-1] if grads[-1] > 0 else 0.0


def lstm_gates(lstm, x):
    """Forget, input and output gates, σ(W x_t + U h_{t-1} + b), at every step of one sequence
    x (1, steps, 5): what the LSTM's cell state keeps, takes in and shows."""
    with torch.no_grad():
        h, _ = lstm(x)
        h_before = torch.cat([torch.zeros_like(h[:, :1]), h[:, :-1]], dim=1)
        w, u = lstm.weight_ih_l0, lstm.weight_hh_l0
        z = x @ w.T + h_before @ u.T + lstm.bias_ih_l0 + lstm.bias_hh_l0
        i, f, _, o = torch.sigmoid(z[0]).chunk(4, dim=-1)  # the third block is the candidate
    return {"forget": f.tolist(), "input": i.tolist(), "output": o.tolist()}


def train(delay=40, steps=100, hidden=16, lr=2e-2, chrono_init=True,
          *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    torch.manual_seed(seed)
    data = torch.Generator().manual_seed(seed)
    x_test, y_test = (t.to(device) for t in make_sequences(1000, delay, data))  # never trained on
    x_grad, y_grad = x_test[:256], y_test[:256]  # enough to measure gradients on

    models, optimizers, grad_start = {}, {}, {}
    for kind in KINDS:
        models[kind] = Recaller(kind, hidden)
        if chrono_init:
            init_gates_to_remember(models[kind])
        models[kind].to(device)
        optimizers[kind] = torch.optim.Adam(models[kind].parameters(), lr=lr)
        grad_start[kind] = gradient_through_time(models[kind], x_grad, y_grad)

    accuracy = {kind: [] for kind in KINDS}  # each training batch's accuracy
    every = max(1, steps // 200)  # a few hundred reports at most
    for step in range(1, steps + 1):
        x, y = (t.to(device) for t in make_sequences(BATCH_SIZE, delay, data))
        for kind, model in models.items():  # the same fresh batch for all three
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            optimizers[kind].zero_grad()
            loss.backward()
            optimizers[kind].step()
            accuracy[kind].append((logits.argmax(1) == y).float().mean().item())
        if step % every == 0 or step == steps:
            # The average of the last 10 batches: one batch is too few to show a trend.
            latest = {kind: sum(acc[-10:]) / len(acc[-10:]) for kind, acc in accuracy.items()}
            if report(step, steps, latest):  # True when the learner pressed Stop
                break

    metrics, grad_end = {}, {}
    for kind, model in models.items():
        # Before eval(): on a GPU, cuDNN differentiates a recurrent layer only in train mode.
        grad_end[kind] = gradient_through_time(model, x_grad, y_grad)
        model.eval()
        with torch.no_grad():
            logits = model(x_test)
        name = kind.lower()
        metrics[f"{name}_test_acc"] = (logits.argmax(1) == y_test).float().mean().item()
        metrics[f"{name}_test_loss"] = F.cross_entropy(logits, y_test).item()
        metrics[f"{name}_grad_ratio"] = share_at_first_step(grad_end[kind])
        metrics[f"{name}_grad_ratio_at_start"] = share_at_first_step(grad_start[kind])
    return {"metrics": metrics, "accuracy": accuracy, "grad_start": grad_start,
            "grad_end": grad_end, "delay": delay, "chance": 1 / SYMBOLS,
            "example": x_test[0, :, :SYMBOLS].argmax(-1).tolist(),  # one test sequence
            "lstm_answer": models["LSTM"](x_test[:1]).argmax().item(),
            "gates": lstm_gates(models["LSTM"].recurrent, x_test[:1])}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:28} {value:.3g}")
