"""Convolution arithmetic in one place: the output-size and parameter-count formulas, and the
same numbers measured by running PyTorch.

The CNN demo's figures predict every layer's shape with these formulas and compare them with
the shapes its lesson's real forward pass produced; the quiz generators (demos/generators.py)
answer numeric questions with what PyTorch measures and use `output_size` to refuse settings
whose window does not fit. The formula is written once, here, and tests check it against
torch over many settings.

torch is imported inside the measuring functions only: the figures and the content validator
use the formulas without loading PyTorch.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, NamedTuple


class WindowTooLarge(ValueError):
    """The kernel (or pooling window) is larger than the padded input: no output at all."""


def output_size(size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Length of one spatial side after a convolution or pooling window slides over it.

        out = floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1

    With dilation 1 this is the familiar floor((H + 2P − K) / S) + 1: the padded input has
    H + 2P positions, the first window covers K of them, and every further step of S that
    still fits adds one output. Pooling (ceil_mode=False) follows the same rule.
    """
    for name, value, least in (("size", size, 1), ("kernel", kernel, 1), ("stride", stride, 1),
                               ("padding", padding, 0), ("dilation", dilation, 1)):
        if value < least:
            raise ValueError(f"{name} must be at least {least}, got {value}")
    span = dilation * (kernel - 1) + 1  # input positions one window covers
    if size + 2 * padding < span:
        what = f"kernel {kernel}" if dilation == 1 else f"dilated kernel {kernel} (span {span})"
        raise WindowTooLarge(f"{what} is larger than the padded input {size + 2 * padding}")
    return (size + 2 * padding - span) // stride + 1


def conv2d_parameter_count(in_channels: int, out_channels: int, kernel: int, bias: bool = True) -> int:
    """A Conv2d's weights: one K×K×C_in filter per output channel, plus a bias each. The image
    size does not appear: every position shares the same filters."""
    return out_channels * (in_channels * kernel * kernel + int(bias))


def linear_parameter_count(in_features: int, out_features: int, bias: bool = True) -> int:
    """A fully connected layer's weights: every input to every output, plus a bias each."""
    return out_features * (in_features + int(bias))


class Row(NamedTuple):
    """One layer of a shape table: its output shape for one example and its parameter count."""

    kind: str
    shape: tuple[int, ...]
    parameters: int


def _pair(value: Any) -> int:
    """nn layers keep sizes as an int or a pair; the demos use square windows."""
    if isinstance(value, tuple):
        if len(set(value)) != 1:
            raise ValueError(f"only square windows are predicted here, got {value}")
        return value[0]
    return value


def predicted_shapes(layers: Iterable[Any], input_shape: tuple[int, ...]) -> list[Row]:
    """Each layer's output shape (channels, height, width; no batch axis) and parameter count,
    from the formulas alone: nothing is run. `layers` are torch.nn layers (an nn.Sequential).
    """
    shape, rows = tuple(input_shape), []
    for layer in layers:
        kind = type(layer).__name__
        parameters = 0
        if kind == "Conv2d":
            k, s, p, d = (_pair(getattr(layer, a)) for a in ("kernel_size", "stride", "padding", "dilation"))
            shape = (layer.out_channels, *(output_size(n, k, s, p, d) for n in shape[1:]))
            parameters = conv2d_parameter_count(layer.in_channels, layer.out_channels, k, layer.bias is not None)
        elif kind in ("MaxPool2d", "AvgPool2d"):
            k, s, p = (_pair(getattr(layer, a)) for a in ("kernel_size", "stride", "padding"))
            shape = (shape[0], *(output_size(n, k, s, p) for n in shape[1:]))
        elif kind == "Flatten":
            shape = (math.prod(shape),)
        elif kind == "Linear":
            shape = (layer.out_features,)
            parameters = linear_parameter_count(layer.in_features, layer.out_features, layer.bias is not None)
        elif kind not in ("ReLU", "Dropout", "Tanh", "Sigmoid"):
            raise ValueError(f"no shape rule for {kind}")
        rows.append(Row(kind, shape, parameters))
    return rows


# --- the same numbers, measured by PyTorch -----------------------------------------------------


def measured_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0, *,
                         layer: str = "conv") -> int:
    """Height of what a real square nn.Conv2d (layer="conv") or nn.MaxPool2d (layer="maxpool")
    returns for a size×size input. Check `output_size` first: torch raises on a window that
    does not fit, with a less friendly message."""
    import torch
    from torch import nn

    module = (nn.Conv2d(1, 1, kernel_size=kernel, stride=stride, padding=padding) if layer == "conv"
              else nn.MaxPool2d(kernel_size=kernel, stride=stride, padding=padding))
    with torch.no_grad():
        return int(module(torch.zeros(1, 1, size, size)).shape[-1])


def measured_conv2d_parameter_count(in_channels: int, out_channels: int, kernel: int, bias: bool = True) -> int:
    """Learnable numbers in a real nn.Conv2d."""
    from torch import nn

    layer = nn.Conv2d(in_channels, out_channels, kernel_size=kernel, bias=bias)
    return sum(p.numel() for p in layer.parameters())
