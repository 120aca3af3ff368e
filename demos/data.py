"""Small real data sets that ship offline, as tensors, and a small corpus of sentences generated
from templates (for the word-embedding demo). Nothing here downloads.

scikit-learn installs the UCI handwritten digits and two sample photos as plain files; we read
those files directly. Importing scikit-learn itself only to get them cost a first demo run
about 1.5 s.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
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


# --- a small corpus for the word-embedding demo ---------------------------------------------
# Generated from templates, so it ships with the code and nothing is downloaded. Each person
# word is three binary facts (gender, status, age), and every template slot is filled by a word
# that depends on exactly ONE of those facts: "he"/"she" on gender, "palace"/"village" on
# status, "plays"/"works" on age. How often a context word appears near a person word then
# depends on one fact only, which is what makes "king - man + woman" land near "queen".

PEOPLE = {  # word: (gender, status, age)
    "king": ("male", "royal", "adult"), "queen": ("female", "royal", "adult"),
    "prince": ("male", "royal", "young"), "princess": ("female", "royal", "young"),
    "man": ("male", "common", "adult"), "woman": ("female", "common", "adult"),
    "boy": ("male", "common", "young"), "girl": ("female", "common", "young"),
}
_FACT = {"he": 0, "his": 0, "place": 1, "wear": 1, "act": 2, "thing": 2}  # slot -> fact it follows
_SLOTS = {
    "he": {"male": ("he",), "female": ("she",)},
    "his": {"male": ("his",), "female": ("her",)},
    "place": {"royal": ("palace", "castle"), "common": ("village", "town")},
    "wear": {"royal": ("crown", "robe"), "common": ("hat", "coat")},
    "act": {"young": ("plays", "learns"), "adult": ("works", "teaches")},
    "thing": {"young": ("toys", "games"), "adult": ("tools", "books")},
}
_PEOPLE_TEMPLATES = (
    "the {person} lives in the {place}",
    "{he} is the {person}",
    "the {person} {act} with {his} {thing}",
    "the {person} wears {his} {wear}",
    "in the {place} the {person} {act}",
)
_ANIMALS = {  # animal: (its sound, what it eats)
    "dog": ("barks", ("meat", "bones")), "cat": ("meows", ("fish", "milk")),
    "cow": ("moos", ("grass", "hay")), "horse": ("neighs", ("hay", "apples")),
    "bird": ("sings", ("seeds", "bread")),
}
_ANIMAL_TEMPLATES = ("the {animal} eats {food}", "the {animal} {sound} in the field",
                     "the {animal} {sound} and eats {food}")
# The words a picture of the vectors labels, by kind (the, in, is, ... are left out).
WORD_GROUPS = {
    "people": tuple(PEOPLE),
    "pronouns": ("he", "she", "his", "her"),
    "royal": ("palace", "castle", "crown", "robe"),
    "common": ("village", "town", "hat", "coat"),
    "young": ("plays", "learns", "toys", "games"),
    "adult": ("works", "teaches", "tools", "books"),
    "animals": tuple(_ANIMALS),
    "sounds and food": ("barks", "meows", "moos", "neighs", "sings", "meat", "bones", "fish", "milk",
                        "grass", "hay", "apples", "seeds", "bread"),
}


def word_corpus(sentences: int, seed: int) -> list[list[str]]:
    """`sentences` short sentences, each a list of words: three in four about a person
    ("the queen lives in the palace"), the rest about an animal ("the cat eats fish")."""
    rng = random.Random(seed)
    corpus = []
    for _ in range(sentences):
        if rng.random() < 0.75:
            person = rng.choice(tuple(PEOPLE))
            fill = {slot: rng.choice(words[PEOPLE[person][_FACT[slot]]]) for slot, words in _SLOTS.items()}
            text = rng.choice(_PEOPLE_TEMPLATES).format(person=person, **fill)
        else:
            animal = rng.choice(tuple(_ANIMALS))
            sound, foods = _ANIMALS[animal]
            text = rng.choice(_ANIMAL_TEMPLATES).format(animal=animal, sound=sound, food=rng.choice(foods))
        corpus.append(text.split())
    return corpus


def word_analogies() -> list[tuple[str, str, str, str]]:
    """Every analogy "a is to b as c is to d" among the person words: a -> b changes one fact
    (gender, status or age) and c -> d changes the same fact the same way, e.g. (man, woman,
    king, queen). 72 in all: 3 facts x 8 ordered pairs x 3 other pairs."""
    found = []
    for a, b, c, d in itertools.permutations(PEOPLE, 4):
        changed = [i for i in range(3) if PEOPLE[a][i] != PEOPLE[b][i]]
        same_change = [i for i in range(3) if PEOPLE[c][i] != PEOPLE[d][i]] == changed
        if len(changed) == 1 and same_change and PEOPLE[d][changed[0]] == PEOPLE[b][changed[0]]:
            found.append((a, b, c, d))
    return found
