"""Every number the attention topic states is computed here: model sizes from their
configurations (and PyTorch's own count of the same layers), the demo's measurements (seed 0,
one thread, as the app runs it on a 2-core CPU), and the arithmetic the texts describe. A card
whose number drifts from what the code gives fails here."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from demos.attention import sizes
from demos.attention.lesson import Block, TinyTransformer, train
from demos.generators import GENERATORS, GeneratorError
from studyapp.content import load_content
from tests.conftest import ROOT
from tests.content_text import strings_of

CONTENT = load_content(ROOT / "content")
TOPIC = CONTENT.topic("attention")
SETTINGS = {"default": {}, "no positions": {"positions": "none"}, "causal": {"causal": True},
            "one head": {"heads": 1}, "four heads": {"heads": 4},
            "copy without positions": {"task": "copy", "positions": "none"}}


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def m():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return {name: train(**settings, seed=0)["metrics"] for name, settings in SETTINGS.items()}
    finally:
        torch.set_num_threads(before)


def texts(item, lang: str) -> str:
    """Every string of a card or question in one language, joined."""
    found = strings_of(item, lang)
    return " ".join(" ".join(found).split())  # one space between words, as YAML folds them


def card(card_id: str):
    return next(c for c in TOPIC.cards if c.id == card_id)


def question(question_id: str):
    return next(q for q in TOPIC.questions if q.id == question_id)


def says(item, *phrases: tuple[str, str]) -> None:
    """Each (English, Korean) phrase appears in the item's text in that language."""
    for en, ko in phrases:
        assert en in texts(item, "en"), f"{getattr(item, 'id', item)}: {en!r} not in the English text"
        assert ko in texts(item, "ko"), f"{getattr(item, 'id', item)}: {ko!r} not in the Korean text"


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def millions(n: int) -> str:
    return f"{n / 1e6:.1f} million"


def eok(n: int, digits: int) -> str:
    """In units of 억 (10^8), as the Korean texts write large counts."""
    return f"{n / 1e8:.{digits}f}억"


# --- model sizes, from their configurations ------------------------------------------------------


@pytest.mark.parametrize("d, heads", [(48, 2), (96, 4), (768, 12)])
def test_one_block_is_12_d_squared_plus_13_d_in_pytorch_too(d, heads):
    assert sizes.block_parameters(d) == 12 * d * d + 13 * d
    assert sum(p.numel() for p in Block(d, heads, causal=False).parameters()) == sizes.block_parameters(d)
    reference = nn.TransformerEncoderLayer(d, heads, dim_feedforward=4 * d)
    assert sum(p.numel() for p in reference.parameters()) == sizes.block_parameters(d)


def test_the_block_card_states_its_count():
    assert sizes.block_parameters(768) == 7_087_872
    says(card("transformer-block"), ("12d² + 13d", "12d² + 13d"), ("7,087,872", "7,087,872"),
         ("4d² + 4d", "4d² + 4d"), ("8d² + 5d", "8d² + 5d"))
    d = 768  # the feed-forward network's share of a block's weight matrices: 8d² of 12d²
    assert 8 * d * d / (12 * d * d) == pytest.approx(2 / 3)
    says(card("transformer"), ("8d² of 12d²", "12d² 중 8d²"))
    says(question("attention-q-block-parts"), ("two thirds of the block's parameters", "3분의 2"))


def test_the_gpt_sizes_the_cards_state():
    gpt1, small, xl, gpt3 = (sizes.parameter_count(c) for c in sizes.MODELS)
    assert (gpt1, small, xl, gpt3) == (116_534_784, 124_439_808, 1_557_611_200, 174_604_259_328)
    gpt = card("gpt")
    says(gpt, (f"has {millions(gpt1)} parameters, the 117M usually quoted", f"{eok(gpt1, 3)} 개로 흔히 말하는 "
               f"{eok(gpt1, 2)}"),
         (f"has {xl / 1e9:.2f} billion, announced as 1.5B", f"{eok(xl, 1)} 개로 발표된 15억"),
         (f"has {gpt3 / 1e9:.1f} billion, the 175B", f"{gpt3 / 1e8:.0f}억 개로 이름에 붙은 1750억"),
         ("(12, 768, 40,478, 512)", "(12, 768, 40,478, 512)"), ("(48, 1600, 50,257, 1024)", "(48, 1600, 50,257, 1024)"),
         ("(96, 12288, 50,257, 2048)", "(96, 12288, 50,257, 2048)"),
         (f"counts to {small / 1e6:.1f} million", f"{eok(small, 3)} 개"))
    # The announced sizes, as rounded: GPT-1 and GPT-3 round to them, GPT-2 XL does not.
    assert round(gpt1 / 1e6) == 117 and round(gpt3 / 1e9) == 175 and round(small / 1e6) == 124
    assert f"{gpt1 / 1e8:.2f}" == "1.17" and round(gpt3 / 1e8, -1) == 1750 and round(xl / 1e8) == 16
    says(gpt, (f"{millions(gpt1)}, {xl / 1e9:.2f} billion and {gpt3 / 1e9:.1f} billion",
               f"{eok(gpt1, 3)}, {eok(xl, 1)}, {gpt3 / 1e8:.0f}억"),
         ("GPT-2 XL is nearer 16억 than the 15억", "GPT-2 XL은 발표된 15억보다 16억에"))
    says(card("large-language-model"), (f"GPT-1's {millions(gpt1)} parameters to GPT-3's {gpt3 / 1e9:.1f} billion",
                                        f"GPT-1의 {eok(gpt1, 3)} 개에서 GPT-3의 {gpt3 / 1e8:.0f}억 개로"))
    says(question("attention-q-where-params"), (f"{gpt3 / 1e9:.1f} billion", f"{gpt3 / 1e8:.0f}억"))


def test_the_configurations_behind_the_counts():
    assert sizes.GPT1 == sizes.Config("GPT-1", 12, 768, 12, 40478, 512, final_norm=False)
    assert (sizes.GPT2_XL.layers, sizes.GPT2_XL.d_model, sizes.GPT2_XL.context) == (48, 1600, 1024)
    assert (sizes.GPT3.layers, sizes.GPT3.d_model, sizes.GPT3.heads, sizes.GPT3.context) == (96, 12288, 96, 2048)
    assert sizes.GPT3.d_model // sizes.GPT3.heads == 128  # the head width the quiz names
    says(question("attention-q-where-params"), ("slices of 128", "128씩"), ("96 blocks", "블록 96개"),
         ("50,257", "50,257"), ("2048", "2048"), ("d = 12288", "d = 12288"))
    says(question("attention-q-gpt-growth"), ("12 → 96", "12 → 96"), ("768 → 12288", "768 → 12288"),
         ("512 → 2048", "512 → 2048"))
    assert 96 / 12 == 8 and 12288 / 768 == 16 and 2048 / 512 == 4  # eightfold, sixteenfold, four times
    says(question("attention-q-gpt-growth"), ("eightfold", "여덟 배"), ("sixteenfold", "열여섯 배"),
         ("four times as many", "네 배"))


def test_the_shares_of_the_embedding_tables():
    gpt1, gpt3 = sizes.embedding_share(sizes.GPT1), sizes.embedding_share(sizes.GPT3)
    assert f"{100 * gpt1:.0f}%" == "27%" and f"{100 * gpt3:.1f}%" == "0.4%"
    says(card("large-language-model"), ("27% of GPT-1's parameters but 0.4% of GPT-3's",
                                        "GPT-1 파라미터의 27%이지만 GPT-3에서는 0.4%"))
    says(question("attention-q-where-params"), ("0.4% of the total", "전체의 0.4%"), ("27% of GPT-1", "GPT-1의 27%"))
    # "close to 12·L·d² alone": the blocks' weight matrices are within 1% of the whole
    config = sizes.GPT3
    assert 12 * config.layers * config.d_model ** 2 / sizes.parameter_count(config) > 0.99


def test_bert_base_counted_from_its_configuration():
    bert = sizes.bert_parameter_count()
    assert bert == 109_482_240 and round(bert / 1e7) * 10 == 110  # 110M: to the nearest ten million
    says(card("bert"), (f"it has {bert / 1e6:.1f} million parameters, the 110M usually quoted",
                        f"{eok(bert, 3)} 개로 흔히 말하는 1.1억(110M)"),
         ("12 layers, d = 768 and 12 heads", "층 12개, d = 768, 헤드 12개"))


def test_vit_b16_as_torchvision_builds_it():
    import torchvision

    count = sum(p.numel() for p in torchvision.models.vit_b_16().parameters())
    assert count == 86_567_656
    says(card("vision-transformer"), (f"has {count / 1e6:.1f} million parameters", f"{count / 1e4:,.0f}만 개"))


def test_the_generator_builds_gpt_from_the_demos_blocks_and_agrees_with_the_formula():
    for config in (sizes.GPT2_SMALL, sizes.GPT2_XL):
        built = GENERATORS["gpt-params"](layers=config.layers, d_model=config.d_model, vocab=config.vocab,
                                         context=config.context, embeddings=True)
        assert built == sizes.parameter_count(config)
        blocks_only = GENERATORS["gpt-params"](layers=config.layers, d_model=config.d_model, vocab=config.vocab,
                                               context=config.context, embeddings=False)
        assert built - blocks_only == (config.vocab + config.context) * config.d_model


@pytest.mark.parametrize("d, heads", [(256, 4), (512, 8), (768, 16), (1024, 16)])
def test_the_block_generator_counts_the_lessons_block(d, heads):
    assert GENERATORS["transformer-block-params"](d_model=d, heads=heads, biases=True) == 12 * d * d + 13 * d
    assert GENERATORS["transformer-block-params"](d_model=d, heads=heads, biases=False) == 12 * d * d
    with pytest.raises(GeneratorError):
        GENERATORS["transformer-block-params"](d_model=d + 1, heads=heads, biases=True)


@pytest.mark.parametrize("s1, s2, s3, d_k", [(8, 4, 0, 16), (4, 0, -4, 4), (6, 2, -2, 64)])
def test_the_attention_weight_generator_is_the_scaled_softmax(s1, s2, s3, d_k):
    exps = [math.exp(s / math.sqrt(d_k)) for s in (s1, s2, s3)]
    assert GENERATORS["attention-weight"](s1=s1, s2=s2, s3=s3, d_k=d_k) == pytest.approx(exps[0] / sum(exps))
    unscaled = GENERATORS["attention-weight"](s1=s1, s2=s2, s3=s3, d_k=1)
    assert unscaled > GENERATORS["attention-weight"](s1=s1, s2=s2, s3=s3, d_k=d_k)  # scaling flattens


def test_the_arithmetic_the_texts_state():
    assert 512 // 8 == 64 and math.sqrt(64) == 8
    assert question("attention-q-head-width").answer == 512 // 8
    says(question("attention-q-head-width"), ("512 / 8 = 64", "512 / 8 = 64"), ("√64 = 8", "√64 = 8"))
    says(card("scaled-dot-product-attention"), ("d_k = 64", "d_k = 64"), ("divided by 8", "8로 나눕니다"))
    says(card("multi-head-attention"), ("8 heads of 64 features (d_model = 512)", "특징 64개짜리 헤드 8개(d_model = 512)"))
    assert (4096 / 1024) ** 2 == question("attention-q-quadratic").answer == 16
    says(card("self-attention"), ("doubling the sequence gives four times as many scores", "두 배가 되면 점수는 네 배"))
    assert 100 / 8 == 12.5
    says(card("attention-weights"), ("12.5%", "12.5%"))
    says(question("attention-q-predict-mirror"), ("12.5%", "12.5%"))


# --- the demo's measurements ---------------------------------------------------------------------


def test_the_model_has_the_same_parameters_with_any_number_of_heads():
    counts = {sum(p.numel() for p in TinyTransformer(48, heads, 1, "sinusoidal", False).parameters())
              for heads in (1, 2, 3, 4)}
    assert counts == {29_338}
    says(card("multi-head-attention"), ("29,338 parameters with 1, 2, 3 or 4 heads", "29,338개"))
    says(question("attention-q-heads-params"), ("29,338 parameters with 1, 2, 3 or 4 heads", "29,338개"))


def test_the_runs_the_cards_quote(m):
    default, lost, causal = m["default"], m["no positions"], m["causal"]
    says(card("positional-encoding"), (f"gets {pct(default['test_acc'])} of the digits right; with no positional "
                                       f"encoding, {pct(lost['test_acc'])}",
                                       f"숫자의 {pct(default['test_acc'])}를 맞히고, 위치 인코딩이 없으면 "
                                       f"{pct(lost['test_acc'])}"))
    says(card("attention-mask"), (f"right {pct(causal['second_half_acc'])} of the time and positions 0–3 only "
                                  f"{pct(causal['first_half_acc'])}",
                                  f"출력 위치 4–7을 {pct(causal['second_half_acc'])} 맞히지만 위치 0–3은 "
                                  f"{pct(causal['first_half_acc'])}"))
    assert causal["first_half_acc"] < 0.15  # "which is guessing"
    says(card("attention-weights"), (f"on average {pct(default['mirror_attention'])} of its attention",
                                     f"평균 {pct(default['mirror_attention'])}"))
    # "in the demo one head learns it as well as four"
    assert m["one head"]["test_acc"] > 0.99 and m["four heads"]["test_acc"] > 0.99
    assert m["copy without positions"]["test_acc"] > 0.99  # "Copying needs no positions"


def test_the_predictions_land_on_one_of_their_outcomes(m):
    runs = {"attention-q-predict-heads": m["one head"], "attention-q-predict-positions": m["no positions"],
            "attention-q-predict-causal": m["causal"], "attention-q-predict-copy": m["copy without positions"],
            "attention-q-predict-mirror": m["default"]}
    for qid, metrics in runs.items():
        q = question(qid)
        assert {k: v for k, v in q.params.items()} == {k: v for k, v in SETTINGS[_name(metrics, m)].items()}
        landed = [c for c in q.choices if c.condition.holds(metrics[c.condition.metric])]
        assert len(landed) == 1, qid


def _name(metrics, m) -> str:
    return next(name for name, value in m.items() if value is metrics)
