"""Small 2-D classification data sets, made up on the spot and fully reproducible.

Each generator returns `(x, y)`: `x` is a float32 tensor of shape (n, 2) holding points in
roughly the square [-1, 1] x [-1, 1], and `y` is an int64 tensor of shape (n,) with class
labels 0, 1, ... . Every random number comes from the `torch.Generator` you pass in, never
from the global random state, so the same seed always gives the same points.

`noise` is the standard deviation of Gaussian jitter added to every point, in the same units
as the coordinates: 0 gives clean shapes, 0.1 blurs them noticeably, 0.3 makes the classes
overlap.

The shapes are the classic ones from TensorFlow Playground plus scikit-learn's "moons":

* circles: a disc of one class inside a ring of the other (not linearly separable);
* xor:     four Gaussian blobs, one per quadrant; opposite corners share a class;
* moons:   two interleaving half circles;
* spiral:  two (or more) arms winding around the origin: the hardest one here;
* blobs:   one Gaussian blob per class, separable by straight lines.
"""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor

DATASETS = ("circles", "xor", "moons", "spiral", "blobs")
MULTICLASS_DATASETS = ("spiral", "blobs")  # the shapes that make sense with three classes


def _split_evenly(n: int, classes: int) -> list[int]:
    """How many of `n` points each class gets: as equal as possible, earlier classes first."""
    return [n // classes + (1 if k < n % classes else 0) for k in range(classes)]


def _jitter(x: Tensor, noise: float, generator: torch.Generator) -> Tensor:
    return x + noise * torch.randn(x.shape, generator=generator)


def _check(n: int, noise: float) -> None:
    if n < 2:
        raise ValueError(f"need at least 2 points, got {n}")
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and cannot be negative, got {noise}")


def circles(n: int, noise: float = 0.0, *, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Class 1 fills a disc of radius 0.5; class 0 fills the ring between radii 0.7 and 1.

    No straight line separates them, but a network that can bend its boundary into a
    closed curve can.
    """
    _check(n, noise)
    n_out, n_in = _split_evenly(n, 2)
    # Radii drawn uniformly on [lo, hi]; angles uniformly around the circle.
    radius = torch.cat([
        0.7 + 0.3 * torch.rand(n_out, generator=generator),
        0.5 * torch.rand(n_in, generator=generator),
    ])
    angle = 2 * math.pi * torch.rand(n, generator=generator)
    x = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    y = torch.cat([torch.zeros(n_out), torch.ones(n_in)]).long()
    return _jitter(x, noise, generator), y


def xor(n: int, noise: float = 0.0, *, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Four Gaussian blobs centred at (±0.5, ±0.5); the label is 1 where x1·x2 > 0.

    The blob spread is 0.15 plus `noise`, so even with no noise the blobs are clouds,
    not points. No straight line separates the classes: the best one cuts off a single
    blob and classifies about 75% of the points correctly, never all of them. This is the
    problem that showed a single-layer perceptron's limits. A *trained* linear model
    does not even find that line: the data are symmetric, so the cross-entropy
    optimum is the flat solution (weights near zero, a probability near 0.5
    everywhere). Which side of 0.5 each blob then falls on is decided by small quirks
    of the sample, so its accuracy is no better than chance and often well below 50%.
    """
    _check(n, noise)
    corner = torch.randint(0, 4, (n,), generator=generator)
    # Corner k has signs (sx, sy) from its two bits; same signs -> class 1.
    sx = torch.where(corner % 2 == 0, 1.0, -1.0)
    sy = torch.where(corner // 2 == 0, 1.0, -1.0)
    centers = 0.5 * torch.stack([sx, sy], dim=1)
    x = centers + (0.15 + noise) * torch.randn(n, 2, generator=generator)
    y = (sx * sy > 0).long()
    return x, y


def moons(n: int, noise: float = 0.0, *, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Two interleaving half circles (the shape of scikit-learn's make_moons), centred."""
    _check(n, noise)
    n_upper, n_lower = _split_evenly(n, 2)
    t_upper = math.pi * torch.rand(n_upper, generator=generator)
    t_lower = math.pi * torch.rand(n_lower, generator=generator)
    upper = torch.stack([torch.cos(t_upper), torch.sin(t_upper)], dim=1)
    lower = torch.stack([1 - torch.cos(t_lower), 0.5 - torch.sin(t_lower)], dim=1)
    # make_moons spans x1 in [-1, 2] and x2 in [-0.5, 1]; shift and shrink into [-1, 1].
    x = (torch.cat([upper, lower]) - torch.tensor([0.5, 0.25])) / 1.5
    y = torch.cat([torch.zeros(n_upper), torch.ones(n_lower)]).long()
    return _jitter(x, noise, generator), y


def spiral(
    n: int, noise: float = 0.0, *, arms: int = 2, generator: torch.Generator
) -> tuple[Tensor, Tensor]:
    """`arms` spiral arms (one class each) winding 1.75 turns out from the origin.

    Arm k is the first arm rotated by k/arms of a full turn, so the classes interleave
    ever more tightly near the centre: a network needs several layers to follow them.
    """
    _check(n, noise)
    if arms < 2:
        raise ValueError(f"a spiral needs at least 2 arms, got {arms}")
    xs, ys = [], []
    for arm, count in enumerate(_split_evenly(n, arms)):
        t = torch.rand(count, generator=generator)  # position along the arm, 0 = centre
        radius = t
        angle = 1.75 * 2 * math.pi * t + 2 * math.pi * arm / arms
        xs.append(torch.stack([radius * torch.sin(angle), radius * torch.cos(angle)], dim=1))
        ys.append(torch.full((count,), arm))
    return _jitter(torch.cat(xs), noise, generator), torch.cat(ys).long()


def blobs(
    n: int, noise: float = 0.0, *, classes: int = 2, generator: torch.Generator
) -> tuple[Tensor, Tensor]:
    """One round Gaussian blob per class, centres evenly spaced on a circle of radius 0.6.

    The spread is 0.15 plus `noise`. Straight lines separate the classes, so even a
    network with no hidden layer learns this one.
    """
    _check(n, noise)
    if classes < 2:
        raise ValueError(f"need at least 2 classes, got {classes}")
    xs, ys = [], []
    for k, count in enumerate(_split_evenly(n, classes)):
        angle = 2 * math.pi * k / classes + math.pi / 4  # two classes: opposite corners
        center = 0.6 * torch.tensor([math.cos(angle), math.sin(angle)])
        xs.append(center + (0.15 + noise) * torch.randn(count, 2, generator=generator))
        ys.append(torch.full((count,), k))
    return torch.cat(xs), torch.cat(ys).long()


def make_dataset(
    name: str, n: int, noise: float, *, classes: int = 2, seed: int = 0
) -> tuple[Tensor, Tensor]:
    """The data set called `name` with `classes` classes, drawn from a generator seeded with `seed`."""
    generator = torch.Generator().manual_seed(seed)
    two_class: dict[str, Callable[..., tuple[Tensor, Tensor]]] = {
        "circles": circles, "xor": xor, "moons": moons,
    }
    if name == "spiral":
        return spiral(n, noise, arms=classes, generator=generator)
    if name == "blobs":
        return blobs(n, noise, classes=classes, generator=generator)
    if name not in two_class:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    if classes != 2:
        raise ValueError(f"{name} has two classes; for more use one of {', '.join(MULTICLASS_DATASETS)}")
    return two_class[name](n, noise, generator=generator)


def train_test_split(
    x: Tensor, y: Tensor, train_fraction: float, *, generator: torch.Generator
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Shuffle once, then cut: the first `train_fraction` of the points train, the rest test.

    Both parts keep at least one point. Returns (x_train, y_train, x_test, y_test).
    """
    if not 0.0 < train_fraction < 1.0:
        raise ValueError(f"train_fraction must be between 0 and 1, got {train_fraction}")
    n = len(x)
    if n < 2:
        raise ValueError(f"need at least 2 points to split, got {n}")
    n_train = min(n - 1, max(1, round(train_fraction * n)))
    order = torch.randperm(n, generator=generator)
    train, test = order[:n_train], order[n_train:]
    return x[train], y[train], x[test], y[test]


# The data sets a demo offers: the shapes above with two classes, and the two that make
# sense with three ("spiral-3": three arms; "blobs-3": three blobs).
CHOICES = DATASETS + tuple(f"{name}-3" for name in MULTICLASS_DATASETS)


def split_2d(
    name: str, points: int, noise: float, train_fraction: float, *, seed: int = 0
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """The data set `name` (one of CHOICES) of `points` points, made and split with `seed`:
    (x_train, y_train, x_test, y_test), like `demos.data.split_digits`."""
    if name not in CHOICES:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(CHOICES)}")
    shape, _, classes = name.partition("-")
    x, y = make_dataset(shape, points, noise, classes=int(classes or 2), seed=seed)
    return train_test_split(x, y, train_fraction, generator=torch.Generator().manual_seed(seed))
