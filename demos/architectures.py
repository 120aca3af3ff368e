"""The landmark CNN architectures, measured from their real definitions.

Parameters, multiply-adds and depth of LeNet-5 (defined here: torchvision does not have it)
and of torchvision's AlexNet, VGG, GoogLeNet, ResNet and MobileNetV2. Nothing is downloaded:
each model is built with `weights=None` on PyTorch's "meta" device, where tensors have shapes
but no memory, so even VGG-16's 138 million parameters cost nothing to build, and a forward
pass computes only the shapes.

* parameters: sum(p.numel() for p in model.parameters()), everything learnable, BatchNorm's
  scale and shift included;
* multiply-adds: one multiplication and one addition per weight use, counted over Conv2d and
  Linear layers only (what torchvision's documentation lists as GFLOPS). A convolution makes
  H_out·W_out·C_out outputs, each from (C_in / groups)·K_h·K_w weights; BatchNorm,
  activations, pooling and the shortcut additions are left out;
* depth: the most Conv2d and Linear layers on any path from the input to the output (the
  number in "ResNet-50" and "VGG-16"). Parallel branches and 1x1 shortcut projections are
  not on the longest path; `weight_layers` counts them all.

The demo page's comparison figure and the content tests use this module; no lesson does.
It is computed once per process (`comparison()` is cached): importing torchvision and
tracing the eleven models takes a second or two.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Architecture:
    name: str  # as the cards write it
    builder: str  # a torchvision.models function, or "lenet5"
    year: int  # of the paper that introduced it
    input_size: int  # side of the square input image it was designed for
    in_channels: int = 3


ARCHITECTURES = (
    Architecture("LeNet-5", "lenet5", 1998, 32, in_channels=1),
    Architecture("AlexNet", "alexnet", 2012, 224),
    Architecture("VGG-16", "vgg16", 2014, 224),
    Architecture("VGG-19", "vgg19", 2014, 224),
    Architecture("GoogLeNet", "googlenet", 2014, 224),
    Architecture("ResNet-18", "resnet18", 2015, 224),
    Architecture("ResNet-34", "resnet34", 2015, 224),
    Architecture("ResNet-50", "resnet50", 2015, 224),
    Architecture("ResNet-101", "resnet101", 2015, 224),
    Architecture("ResNet-152", "resnet152", 2015, 224),
    Architecture("MobileNetV2", "mobilenet_v2", 2018, 224),
)


@dataclass(frozen=True)
class Measured:
    name: str
    year: int
    input_size: int
    params: int
    macs: int  # multiply-adds for one image
    depth: int  # weight layers on the longest path
    weight_layers: int  # every Conv2d and Linear layer


def lenet5():
    """LeNet-5 as it is usually written today: every C3 map sees all 6 maps of S2 (the 1998
    paper connected each to a subset), average pooling for subsampling, tanh, and a plain
    linear output layer in place of the paper's RBF units. Input: one 32x32 grey image."""
    from torch import nn

    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.Tanh(), nn.AvgPool2d(2),  # C1, S2
        nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(), nn.AvgPool2d(2),  # C3, S4
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Tanh(),  # C5 (a 5x5 conv on a 5x5 map)
        nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10),  # F6, output
    )


def build(arch: Architecture, device: str = "meta"):
    """The model without trained weights; on "meta" it allocates no memory."""
    import torch

    with torch.device(device):
        if arch.builder == "lenet5":
            return lenet5()
        import torchvision.models

        options = {"weights": None}
        if arch.builder == "googlenet":
            # The two auxiliary classifiers only help training; the model used for
            # prediction (and the published parameter count) has none. init_weights=False:
            # no random draws, which the meta device has no use for.
            options.update(aux_logits=False, init_weights=False)
        return getattr(torchvision.models, arch.builder)(**options)


def multiply_adds(model, input_shape: tuple[int, ...]) -> int:
    """Multiply-adds of the Conv2d and Linear layers for one input, counted by forward hooks."""
    import torch
    from torch import nn

    total = 0

    def count(layer, inputs, output):
        nonlocal total
        if isinstance(layer, nn.Conv2d):
            per_output = (layer.in_channels // layer.groups) * layer.kernel_size[0] * layer.kernel_size[1]
            total += output[0].numel() * per_output  # output[0]: one image's C_out x H x W
        else:
            total += layer.in_features * layer.out_features

    device = next(model.parameters()).device
    hooks = [layer.register_forward_hook(count) for layer in model.modules()
             if isinstance(layer, (nn.Conv2d, nn.Linear))]
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, *input_shape, device=device))
    finally:
        for hook in hooks:
            hook.remove()
    return total


def longest_weight_path(model) -> int:
    """The most Conv2d and Linear layers on one path through the model's graph (torch.fx)."""
    from torch import fx, nn

    modules = dict(model.named_modules())
    depth: dict = {}
    for node in fx.symbolic_trace(model).graph.nodes:
        weighted = node.op == "call_module" and isinstance(modules[node.target], (nn.Conv2d, nn.Linear))
        depth[node] = max((depth[n] for n in node.all_input_nodes), default=0) + weighted
    return max(depth.values())


def measure(arch: Architecture, device: str = "meta") -> Measured:
    from torch import nn

    model = build(arch, device)
    return Measured(
        name=arch.name, year=arch.year, input_size=arch.input_size,
        params=sum(p.numel() for p in model.parameters()),
        macs=multiply_adds(model, (arch.in_channels, arch.input_size, arch.input_size)),
        depth=longest_weight_path(model),
        weight_layers=sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in model.modules()),
    )


@lru_cache(maxsize=1)
def comparison() -> tuple[Measured, ...]:
    """Every architecture of ARCHITECTURES, measured once per process."""
    return tuple(measure(arch) for arch in ARCHITECTURES)


def by_name(name: str) -> Measured:
    return next(m for m in comparison() if m.name == name)
