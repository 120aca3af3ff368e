"""Every number the transfer-learning topic states is computed here, with torchvision models
built without weights (on the meta device: shapes only), plain torch modules, or the demo
itself, and checked against the text."""

from __future__ import annotations

import re

import pytest
import torch
import torchvision
from torch import nn

from demos.data import split_digits
from demos.device import torch_threads
from demos.generators import GENERATORS, GeneratorError
from demos.transfer import DEMO
from demos.transfer.lesson import LABELS, make_backbone, train
from studyapp.content import load_content
from tests.conftest import ROOT
from tests.content_text import strings_of

CONTENT = load_content(ROOT / "content")
TOPIC = next(t for t in CONTENT.topics if t.id == "transfer")


def card(card_id: str):
    """A card of this topic, or one it relies on from another (BERT, MobileNetV2)."""
    return next(c for c in CONTENT.cards() if c.id == card_id)


def question(question_id: str):
    return next(q for q in TOPIC.questions if q.id == question_id)


def english(item) -> str:
    """Every English string of a card or question, joined."""
    found = strings_of(item, "en")
    return re.sub(r"\s+", " ", " ".join(found))


def korean(item) -> str:
    found: list[str] = []

    def walk(value):
        if hasattr(value, "en") and hasattr(value, "ko"):
            found.append(value.ko)
        elif hasattr(type(value), "model_fields"):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    walk(item)
    return re.sub(r"\s+", " ", " ".join(found))


def count(model: nn.Module, trainable_only: bool = False) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def meta(build):
    with torch.device("meta"):  # shapes and counts without memory or initialization
        return build()


# --- torchvision models --------------------------------------------------------------------------


def test_mobilenet_v2_numbers():
    model = meta(lambda: torchvision.models.mobilenet_v2(weights=None))
    head = model.classifier[1]
    total, head_size = count(model), count(head)
    assert (head.in_features, head.out_features, model.last_channel) == (1280, 1000, 1280)
    assert f"{total:,}" == "3,504,872" and f"{head_size:,}" == "1,281,000"
    assert head_size / total > 1 / 3  # "more than a third of the network"
    mobilenet = english(card("mobilenet-v2"))
    assert "3,504,872 parameters" in mobilenet and "1280-number feature vector" in mobilenet
    assert "nn.Linear(1280, 1000) alone held 1,281,000 parameters, more than a third" in mobilenet
    assert "3,504,872" in korean(card("mobilenet-v2")) and "1,281,000" in korean(card("mobilenet-v2"))
    # The new head for 10 classes, and what stays frozen around it.
    model.requires_grad_(False)
    with torch.device("meta"):
        model.classifier[1] = nn.Linear(1280, 10)
    assert count(model, trainable_only=True) == 1280 * 10 + 10 == 12_810
    assert "1280·10 + 10 = 12,810" in english(card("new-head"))
    assert f"other {total - head_size:,} parameters" in english(question("transfer-q-mobilenet-head"))
    assert "3.5 million parameters" in english(question("transfer-q-mobilenet-why"))
    assert round(total / 1e5) / 10 == 3.5


def test_the_mobilenet_generator_counts_what_requires_grad():
    gen = GENERATORS["mobilenetv2-trainable"]
    assert gen(classes=10, frozen=True) == 12_810
    assert gen(classes=1000, frozen=True) == 1_281_000
    assert gen(classes=10, frozen=False) == 3_504_872 - 1_281_000 + 12_810
    with pytest.raises(GeneratorError):
        gen(classes=0, frozen=True)


def test_resnet_heads():
    for name, features in (("resnet18", 512), ("resnet50", 2048)):
        fc = meta(lambda: getattr(torchvision.models, name)(weights=None)).fc
        assert (fc.in_features, fc.out_features) == (features, 1000)
    assert "nn.Linear(512, 1000)" in english(card("transfer-learning"))
    assert "model.fc = nn.Linear(512, 10)" in english(card("freezing-layers"))


def test_coco_detectors_have_91_class_outputs():
    detector = meta(lambda: torchvision.models.detection.fasterrcnn_resnet50_fpn(
        weights=None, weights_backbone=None))
    assert detector.roi_heads.box_predictor.cls_score.out_features == 91 == 1 + 90
    assert 90 - 80 == 10  # category ids 1-90 for 80 categories: ten unused
    coco = english(card("coco"))
    assert "91 class outputs" in coco and "ids 1–90" in coco and "ten of which are unused" in coco
    assert "80 object categories" in coco


# --- BERT, counted from its architecture ----------------------------------------------------------


def bert_parameters(layers: int, width: int, heads: int) -> int:
    """BERT: token, position and segment embeddings with a LayerNorm, `layers` Transformer encoder
    layers (feed-forward 4x wide) and the pooler; nn.TransformerEncoderLayer has the same weights."""
    def build():
        return nn.ModuleList([
            nn.Embedding(30522, width), nn.Embedding(512, width), nn.Embedding(2, width), nn.LayerNorm(width),
            nn.TransformerEncoder(nn.TransformerEncoderLayer(width, heads, 4 * width), layers,
                                  enable_nested_tensor=False),
            nn.Linear(width, width),
        ])
    return count(meta(build))


def test_bert_sizes():
    base, large = bert_parameters(12, 768, 12), bert_parameters(24, 1024, 16)
    assert (base, large) == (109_482_240, 335_141_888)
    assert round(base, -7) == 110_000_000 and round(large, -7) == 340_000_000
    bert = english(card("bert"))
    assert "12 layers, d = 768 and 12 heads" in bert and "the 110M usually quoted" in bert
    assert "24 layers of width 1024 and about 340 million" in bert
    assert "1.1억(110M)" in korean(card("bert")) and "약 3억 4천만 개" in korean(card("bert"))


# --- the demo ---------------------------------------------------------------------------------------


def test_the_demo_numbers_in_the_cards():
    defaults = {p.name: p.default for p in DEMO.params}
    pages = make_backbone()(torch.zeros(1, 1, 12, 12)).shape[1]
    head = nn.Linear(pages, 5)
    whole = count(make_backbone()) + count(head)
    assert (pages, count(head), whole) == (144, 725, 1973)
    assert "trains 725 of its 1,973 parameters: the head nn.Linear(144, 5)" in english(card("feature-extraction"))
    ko = korean(card("feature-extraction"))
    assert "1,973" in ko and "nn.Linear(144, 5)의 725개" in ko
    assert defaults["moved"] is True and defaults["pretrain_steps"] == 100
    assert "pretrained for 100 steps" in english(card("pretraining"))
    assert (defaults["finetune_lr"], defaults["lr"]) == (1e-3, 1e-2)
    assert '"lr": 1e-3}, {"params": head.parameters()}], lr=1e-2)' in english(card("discriminative-learning-rates"))
    assert LABELS["10"] == 10 and "5-way 10-shot problem: five new digits, ten labelled images" in \
        english(card("few-shot-learning"))


def test_the_data_sizes_the_questions_state():
    sizes = []
    for seed in range(4):
        _, y_train, _, y_test = split_digits(test_size=600, seed=seed)
        sizes.append(((y_train < 5).sum().item(), (y_test >= 5).sum().item()))
    assert all(550 <= old <= 650 and 250 <= test <= 350 for old, test in sizes)  # "about 600", "300"
    assert "about 600 digits 0–4" in english(question("transfer-q-predict-ten-labels"))
    assert "300 test digits" in english(question("transfer-q-predict-ten-labels"))


def test_the_pretrained_accuracy_the_random_features_question_compares_with():
    with torch_threads(1):  # as the app runs a demo on a 2-core machine
        frozen = train(seed=0)["metrics"]["frozen_acc_10"]  # the default run, as the quiz runs it
    assert f"{100 * frozen:.0f}%" == "71%"
    assert "pretrained features reach 71% in the default run" in english(question("transfer-q-predict-random-features"))
