"""Data sets that ship offline with scikit-learn, as tensors. Nothing here downloads."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch


@lru_cache(maxsize=1)
def digits() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 real handwritten digits (8x8 pixels): flat pixels scaled to [0, 1], labels 0-9."""
    from sklearn.datasets import load_digits

    data = load_digits()
    x = torch.tensor(data.data, dtype=torch.float32) / 16.0
    y = torch.tensor(data.target, dtype=torch.long)
    return x, y


def digit_images() -> tuple[torch.Tensor, torch.Tensor]:
    """The same digits shaped as images for a CNN: (N, 1, 8, 8), labels 0-9."""
    x, y = digits()
    return x.view(-1, 1, 8, 8), y


@lru_cache(maxsize=1)
def sample_photos() -> tuple[np.ndarray, ...]:
    """scikit-learn's two bundled real photos (a temple and a flower), uint8 (H, W, 3)."""
    from sklearn.datasets import load_sample_images

    return tuple(load_sample_images().images)
