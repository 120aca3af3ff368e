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

from demos import conv_shapes


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
# The formulas and the measuring live in demos/conv_shapes.py, shared with the CNN demo: the
# formula refuses a window that does not fit, PyTorch gives the answer.


def conv2d_output_size(in_size: int, kernel: int, stride: int, padding: int) -> int:
    """Height (= width) of the output of a square Conv2d on a square input."""
    try:
        conv_shapes.output_size(in_size, kernel, stride, padding)
    except ValueError as error:
        raise GeneratorError(str(error)) from None
    return conv_shapes.measured_output_size(in_size, kernel, stride, padding, layer="conv")


def conv2d_parameter_count(in_channels: int, out_channels: int, kernel: int, bias: bool) -> int:
    """Learnable numbers in a Conv2d: one kernel per (output, input) channel pair, plus biases."""
    return conv_shapes.measured_conv2d_parameter_count(in_channels, out_channels, kernel, bias)


def maxpool2d_output_size(in_size: int, kernel: int, stride: int) -> int:
    """Height (= width) of the output of a square MaxPool2d on a square input."""
    try:
        conv_shapes.output_size(in_size, kernel, stride)
    except conv_shapes.WindowTooLarge:
        raise GeneratorError(f"pooling window {kernel} is larger than the input {in_size}") from None
    except ValueError as error:
        raise GeneratorError(str(error)) from None
    return conv_shapes.measured_output_size(in_size, kernel, stride, layer="maxpool")


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


# --- transfer learning ------------------------------------------------------------------------


def mobilenet_v2_trainable(classes: int, frozen: bool) -> int:
    """Parameters the optimizer updates after MobileNetV2's 1000-class layer is replaced by one
    for `classes` classes, with the rest frozen (`frozen`) or fine-tuned too."""
    import torch
    import torchvision
    from torch import nn

    if classes < 1:
        raise GeneratorError("a classifier needs at least one class")
    with torch.device("meta"):  # shapes only: no memory, no random initialization to wait for
        model = torchvision.models.mobilenet_v2(weights=None)
        if frozen:
            model.requires_grad_(False)
        old = model.classifier[1]  # nn.Linear(1280, 1000) after a Dropout
        model.classifier[1] = nn.Linear(old.in_features, int(classes))  # new: requires_grad
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


GENERATORS["mobilenetv2-trainable"] = Generator(
    "mobilenetv2-trainable", ("classes", "frozen"), mobilenet_v2_trainable,
    "parameters trained after replacing MobileNetV2's head, backbone frozen or not")
