"""How many parameters a Transformer language model has, computed from its configuration.

The numbers the attention topic states for GPT-1, GPT-2, GPT-3 and BERT come from here
(tests/test_content_attention.py holds the text to them), and the block formula is checked
against the demo's own `Block` and PyTorch's `nn.TransformerEncoderLayer`.

One block of width d (feed-forward width 4d, a bias on every linear layer, as in GPT and BERT):

    attention     W_Q, W_K, W_V, W_O (d x d each) and their biases     4d² + 4d
    feed-forward  d -> 4d -> d                                         8d² + 5d
    layer norms   two, each a scale and a shift per feature            4d

The heads split the d features between them, so their number does not appear: 12 heads of
64 features have the weights of one head of 768.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """A GPT-style decoder: `layers` blocks of width `d_model`, a token embedding table (also
    used, transposed, as the output layer), one learned position vector per context position,
    and (from GPT-2 on, which moved the layer norms to the start of each block) a last layer
    norm after the final block."""

    name: str
    layers: int
    d_model: int
    heads: int
    vocab: int
    context: int
    final_norm: bool = True


GPT1 = Config("GPT-1", layers=12, d_model=768, heads=12, vocab=40478, context=512, final_norm=False)
GPT2_SMALL = Config("GPT-2 small", layers=12, d_model=768, heads=12, vocab=50257, context=1024)
GPT2_XL = Config("GPT-2 XL", layers=48, d_model=1600, heads=25, vocab=50257, context=1024)
GPT3 = Config("GPT-3 175B", layers=96, d_model=12288, heads=96, vocab=50257, context=2048)
MODELS = (GPT1, GPT2_SMALL, GPT2_XL, GPT3)


def attention_parameters(d: int) -> int:
    return 4 * d * d + 4 * d


def feed_forward_parameters(d: int) -> int:
    return d * 4 * d + 4 * d + 4 * d * d + d  # d -> 4d (weights, biases), 4d -> d


def block_parameters(d: int) -> int:
    """One Transformer block: 12d² + 13d."""
    return attention_parameters(d) + feed_forward_parameters(d) + 2 * 2 * d


def parameter_count(config: Config) -> int:
    d = config.d_model
    embeddings = config.vocab * d + config.context * d
    return embeddings + config.layers * block_parameters(d) + (2 * d if config.final_norm else 0)


def embedding_share(config: Config) -> float:
    """The share of the parameters in the token and position tables."""
    return (config.vocab + config.context) * config.d_model / parameter_count(config)


def bert_parameter_count(layers: int = 12, d: int = 768, vocab: int = 30522, context: int = 512) -> int:
    """BERT (an encoder): token, position and two segment embeddings with a layer norm, the
    blocks, and the pooler (a d x d layer over the [CLS] token). The masked-language-model head
    reuses the token table. Defaults: BERT-base."""
    embeddings = (vocab + context + 2) * d + 2 * d
    return embeddings + layers * block_parameters(d) + d * d + d
