"""The numbers stated by the cards and questions added for the notes checklist (issue 13,
item 4: the landscape topic and the cards appended to cnn, rnn and optimization) are computed
here with torch and checked against the text, in both languages where the number appears."""

from __future__ import annotations

import pytest
from pydantic import BaseModel
import torch
from torch import nn
from torch.nn import functional as F

from studyapp.content import load_content
from tests.conftest import ROOT

CONTENT = load_content(ROOT / "content")
CARDS = {c.id: c for c in CONTENT.cards()}
QUESTIONS = {q.id: q for t in CONTENT.topics for q in t.questions}


def text(item, lang: str = "en") -> str:
    """Every string of a card or question in one language, joined."""
    found: list[str] = []

    def walk(value):
        if hasattr(value, "en") and hasattr(value, "ko"):
            found.append(value.get(lang))
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            found.append(value)

    walk(item)
    return "\n".join(found)


def both(item) -> str:
    return text(item, "en") + "\n" + text(item, "ko")


def receptive_field(model: nn.Module, length: int) -> int:
    """How wide a stretch of the input the last output depends on (first to last position
    with a nonzero gradient), measured by autograd."""
    x = torch.zeros(1, 1, length, requires_grad=True)
    model(x)[0, 0, -1].backward()
    used = torch.nonzero(x.grad[0, 0]).flatten()
    return int(used[-1] - used[0] + 1)


def constant_stack(dilations, kernel=2) -> nn.Sequential:
    layers = [nn.Conv1d(1, 1, kernel, dilation=d, bias=False) for d in dilations]
    for layer in layers:
        nn.init.constant_(layer.weight, 1.0)
    return nn.Sequential(*layers)


def test_transposed_convolution_sizes():
    x = torch.zeros(1, 64, 16, 16)
    out = nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2, padding=1)(x)
    assert out.shape[-2:] == (32, 32)
    assert (16 - 1) * 2 - 2 * 1 + 4 == 32
    for item in (CARDS["transposed-convolution"], QUESTIONS["cnn-q-transposed-size"]):
        assert "(16 − 1)·2 − 2·1 + 4 = 32" in both(item)
    # the distractors are the mistakes they name
    assert nn.Conv2d(64, 32, kernel_size=4, stride=2, padding=1)(x).shape[-1] == 8
    assert nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2, padding=0)(x).shape[-1] == 34
    assert (16 - 1) * 2 == 30
    choices = [c.text.en for c in QUESTIONS["cnn-q-transposed-size"].choices]
    assert choices == ["32×32", "8×8", "34×34", "30×30"]


def test_dilated_convolution_span_and_size():
    conv = nn.Conv2d(16, 16, kernel_size=3, dilation=2)
    assert conv.weight.shape[-2:] == (3, 3)
    assert conv(torch.zeros(1, 16, 32, 32)).shape[-2:] == (28, 28)
    assert receptive_field(constant_stack([2], kernel=3), 20) == 5
    assert receptive_field(constant_stack([4], kernel=3), 20) == 9
    card = CARDS["dilated-convolution"]
    assert "5×5" in both(card) and "28×28" in both(card) and "9 weights" in text(card)
    q = QUESTIONS["cnn-q-dilated-span"]
    assert [c.text.en for c in q.choices] == ["5×5", "6×6", "3×3", "9×9"]


def test_pooling_example_and_min_pool_identity():
    window = torch.tensor([[[[1.0, 3.0], [2.0, 0.0]]]])
    assert F.max_pool2d(window, 2).item() == 3
    assert F.avg_pool2d(window, 2).item() == 1.5
    assert (-F.max_pool2d(-window, 2)).item() == 0 == window.min().item()
    x = torch.randn(2, 3, 8, 8)
    assert torch.equal(-F.max_pool2d(-x, 2), x.unfold(2, 2, 2).unfold(3, 2, 2).amin(dim=(-1, -2)))
    assert not any(name.lower().startswith("minpool") for name in dir(nn))
    card = CARDS["min-pooling"]
    for lang, words in (("en", ("gives 3", "1.5", "min pooling 0")), ("ko", ("3", "1.5", "0을"))):
        assert all(w in text(card, lang) for w in words)


def test_wavenet_receptive_field():
    dilations = [2**i for i in range(10)]
    assert dilations[-1] == 512
    assert receptive_field(constant_stack(dilations), 2048) == 1024
    assert receptive_field(constant_stack([1] * 10), 2048) == 11
    card = CARDS["wavenet"]
    for lang in ("en", "ko"):
        assert "1024" in text(card, lang) and "11" in text(card, lang)
    assert "1024" in both(QUESTIONS["rnn-q-wavenet-reach"])


def test_linear_scaling_rule_learning_rate():
    rate = 0.1 * 8192 / 256
    assert rate == pytest.approx(3.2)
    assert "8192" in both(CARDS["lr-range-test"]) and "3.2" in both(CARDS["lr-range-test"])
    assert "3.2" in both(QUESTIONS["optimization-q-lr-above-one"])


def test_keras_losses_match_pytorch():
    """The heads matching question: softmax + categorical CE on one-hot labels equals
    nn.CrossEntropyLoss on logits and indices; sigmoid + binary CE equals BCEWithLogits;
    NLLLoss on plain probabilities does not."""
    torch.manual_seed(0)
    logits, labels = torch.randn(5, 4), torch.tensor([0, 3, 1, 2, 1])
    one_hot = F.one_hot(labels, 4).float()
    keras_categorical = -(one_hot * torch.log(torch.softmax(logits, 1))).sum(1).mean()
    assert torch.allclose(keras_categorical, nn.CrossEntropyLoss()(logits, labels))
    assert not torch.allclose(nn.NLLLoss()(torch.softmax(logits, 1), labels), keras_categorical)
    z, y = torch.randn(6), torch.tensor([0.0, 1, 1, 0, 1, 0])
    p = torch.sigmoid(z)
    keras_binary = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    assert torch.allclose(keras_binary, nn.BCEWithLogitsLoss()(z, y))


def test_landscape_topic_comes_first():
    orders = sorted((t.order, t.id) for t in CONTENT.topics)
    assert orders[0][1] == "landscape"
