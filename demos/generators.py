"""Numbers for quiz questions, measured by PyTorch itself.

A numeric quiz question such as "what is the output size of this Conv2d?" draws fresh
settings for every attempt and needs the right answer for them. Rather than typing a
formula by hand (and getting an edge case wrong), each generator here builds the real layer,
runs a tensor through it or counts its parameters, and returns what PyTorch says.

Topic files name a generator and give ranges for its parameters:

    generator: conv2d-output
    params: {in_size: {min: 8, max: 32}, kernel: [1, 3, 5], stride: [1, 2], padding: [0, 1, 2]}

The quiz draws a value for each parameter and calls `GENERATORS[name](**values)`.

torch is imported inside the functions, not at the top: the content validator reads
`GENERATORS` (names and parameter names) to check topic files, and listing names should not
cost the seconds it takes to load PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


class GeneratorError(ValueError):
    """These settings describe no valid layer (e.g. a kernel larger than the padded input)."""


@dataclass(frozen=True)
class Generator:
    name: str
    params: tuple[str, ...]
    compute: Callable[..., float]
    about: str  # one line for authors: what the number is

    def __call__(self, **values: float | int | bool) -> float:
        unknown = sorted(set(values) - set(self.params))
        missing = [p for p in self.params if p not in values]
        if unknown or missing:
            raise TypeError(f"{self.name}: unknown {unknown}, missing {missing}; takes {', '.join(self.params)}")
        return self.compute(**values)


# --- convolution and pooling ----------------------------------------------------------------


def conv2d_output_size(in_size: int, kernel: int, stride: int, padding: int) -> int:
    """Height (= width) of the output of a square Conv2d on a square input."""
    import torch
    from torch import nn

    if in_size + 2 * padding < kernel:
        raise GeneratorError(f"kernel {kernel} is larger than the padded input {in_size + 2 * padding}")
    layer = nn.Conv2d(1, 1, kernel_size=kernel, stride=stride, padding=padding)
    with torch.no_grad():
        out = layer(torch.zeros(1, 1, in_size, in_size))
    return int(out.shape[-1])


def conv2d_parameter_count(in_channels: int, out_channels: int, kernel: int, bias: bool) -> int:
    """Learnable numbers in a Conv2d: one kernel per (output, input) channel pair, plus biases."""
    from torch import nn

    layer = nn.Conv2d(in_channels, out_channels, kernel_size=kernel, bias=bias)
    return sum(p.numel() for p in layer.parameters())


def maxpool2d_output_size(in_size: int, kernel: int, stride: int) -> int:
    """Height (= width) of the output of a square MaxPool2d on a square input."""
    import torch
    from torch import nn

    if in_size < kernel:
        raise GeneratorError(f"pooling window {kernel} is larger than the input {in_size}")
    with torch.no_grad():
        out = nn.MaxPool2d(kernel_size=kernel, stride=stride)(torch.zeros(1, 1, in_size, in_size))
    return int(out.shape[-1])


# --- fully connected layers -------------------------------------------------------------------


def linear_parameter_count(in_features: int, out_features: int, bias: bool) -> int:
    from torch import nn

    return sum(p.numel() for p in nn.Linear(in_features, out_features, bias=bias).parameters())


def mlp_parameter_count(inputs: int, hidden: int, outputs: int, hidden_layers: int, bias: bool) -> int:
    """An MLP like the overfitting demo's: inputs -> hidden (x hidden_layers) -> outputs."""
    from torch import nn

    if hidden_layers < 1:
        raise GeneratorError("an MLP needs at least one hidden layer")
    sizes = [inputs] + [hidden] * hidden_layers + [outputs]
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out, bias=bias), nn.ReLU()]
    model = nn.Sequential(*layers[:-1])  # no activation after the output layer
    return sum(p.numel() for p in model.parameters())


# --- recurrent layers -----------------------------------------------------------------------


def _recurrent_count(kind: str, input_size: int, hidden_size: int) -> int:
    from torch import nn

    layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind](input_size, hidden_size)
    # PyTorch keeps two bias vectors per gate (b_ih and b_hh); both are counted.
    return sum(p.numel() for p in layer.parameters())


def rnn_parameter_count(input_size: int, hidden_size: int) -> int:
    return _recurrent_count("rnn", input_size, hidden_size)


def lstm_parameter_count(input_size: int, hidden_size: int) -> int:
    return _recurrent_count("lstm", input_size, hidden_size)


def gru_parameter_count(input_size: int, hidden_size: int) -> int:
    return _recurrent_count("gru", input_size, hidden_size)


# --- regularization -------------------------------------------------------------------------


def dropout_kept_value(p: float, activation: float) -> float:
    """What a unit with this activation passes on in training when dropout keeps it."""
    import torch
    from torch import nn

    if not 0 <= p < 1:
        raise GeneratorError("dropout p must be in [0, 1)")
    layer = nn.Dropout(p).train()
    # Many copies of the same activation: some are dropped (0), the kept ones are rescaled.
    # fork_rng: drawing the dropout mask must not disturb anyone else's random numbers.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        out = layer(torch.full((4096,), float(activation)))
    kept = out[out != 0]
    return float(kept[0]) if len(kept) else 0.0


def sgd_weight_decay_step(weight: float, grad: float, lr: float, weight_decay: float) -> float:
    """A weight after one torch.optim.SGD step with weight_decay, when the data loss has this gradient."""
    import torch

    w = torch.tensor([float(weight)], requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr, weight_decay=weight_decay)
    loss = (float(grad) * w).sum()  # d(loss)/dw = grad
    loss.backward()
    optimizer.step()
    return float(w.detach()[0])


GENERATORS: dict[str, Generator] = {
    g.name: g
    for g in (
        Generator("conv2d-output", ("in_size", "kernel", "stride", "padding"), conv2d_output_size,
                  "output height/width of a square Conv2d"),
        Generator("conv2d-params", ("in_channels", "out_channels", "kernel", "bias"), conv2d_parameter_count,
                  "parameter count of a Conv2d"),
        Generator("maxpool2d-output", ("in_size", "kernel", "stride"), maxpool2d_output_size,
                  "output height/width of a square MaxPool2d"),
        Generator("linear-params", ("in_features", "out_features", "bias"), linear_parameter_count,
                  "parameter count of a Linear layer"),
        Generator("mlp-params", ("inputs", "hidden", "outputs", "hidden_layers", "bias"), mlp_parameter_count,
                  "parameter count of an MLP with equal hidden layers"),
        Generator("rnn-params", ("input_size", "hidden_size"), rnn_parameter_count, "parameter count of nn.RNN"),
        Generator("lstm-params", ("input_size", "hidden_size"), lstm_parameter_count, "parameter count of nn.LSTM"),
        Generator("gru-params", ("input_size", "hidden_size"), gru_parameter_count, "parameter count of nn.GRU"),
        Generator("dropout-kept-value", ("p", "activation"), dropout_kept_value,
                  "value a kept unit passes on under inverted dropout"),
        Generator("sgd-weight-decay-step", ("weight", "grad", "lr", "weight_decay"), sgd_weight_decay_step,
                  "weight after one SGD step with L2 weight decay"),
    )
}


# --- normalization and initialization ---------------------------------------------------------


def batchnorm_running_mean(momentum: float, running: float, batch_mean: float) -> float:
    """A BatchNorm1d feature's running mean after one training-mode batch with this mean."""
    import torch
    from torch import nn

    if running == batch_mean:
        raise GeneratorError("the batch mean equals the running mean: the update shows nothing")
    layer = nn.BatchNorm1d(1, momentum=momentum).train()
    with torch.no_grad():
        layer.running_mean.fill_(float(running))
        layer(torch.tensor([[batch_mean - 1.0], [batch_mean + 1.0]]))  # two values with this mean
    return float(layer.running_mean[0])


def xavier_uniform_limit(fan_in: int, fan_out: int, uniform: bool) -> float:
    """The bound a of nn.init.xavier_uniform_ for nn.Linear(fan_in, fan_out), measured as the
    largest |w| over about a million draws; with uniform=False, the measured standard deviation
    of nn.init.xavier_normal_ instead."""
    import torch
    from torch import nn

    weight = torch.empty(fan_out, fan_in)
    fill = nn.init.xavier_uniform_ if uniform else nn.init.xavier_normal_
    with torch.random.fork_rng(devices=[]):  # leaves everyone else's random numbers alone
        torch.manual_seed(0)
        # clone(): each fill_ overwrites `weight` in place
        draws = torch.cat([fill(weight).flatten().clone() for _ in range(max(1, 1_000_000 // weight.numel()))])
    return float(draws.abs().max() if uniform else draws.std())


GENERATORS.update({
    g.name: g
    for g in (
        Generator("batchnorm-running-mean", ("momentum", "running", "batch_mean"), batchnorm_running_mean,
                  "running mean of a BatchNorm1d feature after one training batch"),
        Generator("xavier-uniform-limit", ("fan_in", "fan_out", "uniform"), xavier_uniform_limit,
                  "bound of nn.init.xavier_uniform_ (or std of xavier_normal_) for nn.Linear(fan_in, fan_out)"),
    )
})
