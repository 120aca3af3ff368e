"""Small real data sets that ship offline, as tensors. Nothing here downloads.

scikit-learn installs the UCI handwritten digits and two sample photos as plain files; we read
those files directly. Importing scikit-learn itself only to get them cost a first demo run
about 1.5 s.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from demos.data2d import split_2d  # noqa: F401  (the 2-D toy sets, for the playground lesson)

DIGITS_COUNT = 1797


def _sklearn_file(*parts: str) -> Path:
    """A data file installed with scikit-learn, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")  # locates the package; runs none of its code
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("scikit-learn is not installed; it ships the digits and sample photos")
    return Path(next(iter(spec.submodule_search_locations)), "datasets", *parts)


@lru_cache(maxsize=1)
def digits() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 real handwritten digits (8x8 pixels): flat pixels scaled to [0, 1], labels 0-9."""
    table = np.loadtxt(_sklearn_file("data", "digits.csv.gz"), delimiter=",", dtype=np.float32)
    x = torch.from_numpy(table[:, :-1] / 16.0)  # pixel intensities are 0..16
    y = torch.from_numpy(table[:, -1].astype(np.int64))
    return x, y


def digit_images() -> tuple[torch.Tensor, torch.Tensor]:
    """The same digits shaped as images for a CNN: (N, 1, 8, 8), labels 0-9."""
    x, y = digits()
    return x.view(-1, 1, 8, 8), y


def split_digits(test_size: int, seed: int, images: bool = False) -> tuple[torch.Tensor, ...]:
    """A random train/test split of the digits, the same for the same seed:
    x_train, y_train, x_test, y_test (flat 64 pixels, or 1x8x8 images with `images=True`)."""
    x, y = digit_images() if images else digits()
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    test, train = order[:test_size], order[test_size:]
    return x[train], y[train], x[test], y[test]


@lru_cache(maxsize=1)
def sample_photos() -> tuple[np.ndarray, ...]:
    """scikit-learn's two bundled real photos (a temple and a flower), uint8 (H, W, 3)."""
    from PIL import Image

    return tuple(np.asarray(Image.open(_sklearn_file("images", name)).convert("RGB"))
                 for name in ("china.jpg", "flower.jpg"))
