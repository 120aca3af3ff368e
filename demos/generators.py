"""Numbers for quiz questions, measured by PyTorch itself.

A numeric quiz question such as "what is the output size of this Conv2d?" draws fresh
settings for every attempt and needs the right answer for them. Rather than typing a
formula by hand (and getting an edge case wrong), each generator here builds the real layer,
runs a tensor through it or counts its parameters, and returns what PyTorch says.

Topic files name a generator and give ranges for its parameters:

    generator: conv2d-output
    params: {in_size: {min: 8, max: 32}, kernel: [1, 3, 5], stride: [1, 2], padding: [0, 1, 2]}

The quiz draws a value for each parameter and calls `GENERATORS[name](**values)`.

torch is imported inside the functions, not at the top: the content validator reads
`GENERATORS` (names and parameter names) to check topic files, and listing names should not
cost the seconds it takes to load PyTorch.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable, Mapping

from demos import conv_shapes
from studyapp.text import Text


class GeneratorError(ValueError):
    """These settings describe no valid layer (e.g. a kernel larger than the padded input)."""


@dataclass(frozen=True)
class Generator:
    name: str
    params: tuple[str, ...]
    compute: Callable[..., float]
    about: str  # one line for authors: what the number is
    # Names on screen for parameters whose meaning here differs from PARAM_NAMES (a1 is a fold
    # score in cv-mean but a vector component in cosine-similarity).
    names: Mapping[str, Text] = field(default_factory=dict)

    def __call__(self, **values: float | int | bool) -> float:
        unknown = sorted(set(values) - set(self.params))
        missing = [p for p in self.params if p not in values]
        if unknown or missing:
            raise TypeError(f"{self.name}: unknown {unknown}, missing {missing}; takes {', '.join(self.params)}")
        return self.compute(**values)


# name -> generator; each function below registers itself with @generator.
GENERATORS: dict[str, Generator] = {}


def generator(name: str, about: str, names: Mapping[str, Text] | None = None,
              ) -> Callable[[Callable[..., float]], Callable[..., float]]:
    """Register the decorated function as the generator `name`; its parameters are its own."""

    def register(compute: Callable[..., float]) -> Callable[..., float]:
        GENERATORS[name] = Generator(name, tuple(inspect.signature(compute).parameters), compute, about,
                                     dict(names or {}))
        return compute

    return register


# --- convolution and pooling ----------------------------------------------------------------
# The formulas and the measuring live in demos/conv_shapes.py, shared with the CNN demo: the
# formula refuses a window that does not fit, PyTorch gives the answer.


@generator("conv2d-output", "output height/width of a square Conv2d")
def conv2d_output_size(in_size: int, kernel: int, stride: int, padding: int) -> int:
    """Height (= width) of the output of a square Conv2d on a square input."""
    try:
        conv_shapes.output_size(in_size, kernel, stride, padding)
    except ValueError as error:
        raise GeneratorError(str(error)) from None
    return conv_shapes.measured_output_size(in_size, kernel, stride, padding, layer="conv")


@generator("conv2d-params", "parameter count of a Conv2d")
def conv2d_parameter_count(in_channels: int, out_channels: int, kernel: int, bias: bool) -> int:
    """Learnable numbers in a Conv2d: one kernel per (output, input) channel pair, plus biases."""
    return conv_shapes.measured_conv2d_parameter_count(in_channels, out_channels, kernel, bias)


@generator("maxpool2d-output", "output height/width of a square MaxPool2d")
def maxpool2d_output_size(in_size: int, kernel: int, stride: int) -> int:
    """Height (= width) of the output of a square MaxPool2d on a square input."""
    try:
        conv_shapes.output_size(in_size, kernel, stride)
    except conv_shapes.WindowTooLarge:
        raise GeneratorError(f"pooling window {kernel} is larger than the input {in_size}") from None
    except ValueError as error:
        raise GeneratorError(str(error)) from None
    return conv_shapes.measured_output_size(in_size, kernel, stride, layer="maxpool")


# --- fully connected layers -------------------------------------------------------------------


@generator("linear-params", "parameter count of a Linear layer")
def linear_parameter_count(in_features: int, out_features: int, bias: bool) -> int:
    from torch import nn

    return sum(p.numel() for p in nn.Linear(in_features, out_features, bias=bias).parameters())


@generator("mlp-params", "parameter count of an MLP with equal hidden layers")
def mlp_parameter_count(inputs: int, hidden: int, outputs: int, hidden_layers: int, bias: bool) -> int:
    """An MLP like the overfitting demo's: inputs -> hidden (x hidden_layers) -> outputs."""
    from torch import nn

    if hidden_layers < 1:
        raise GeneratorError("an MLP needs at least one hidden layer")
    sizes = [inputs] + [hidden] * hidden_layers + [outputs]
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out, bias=bias), nn.ReLU()]
    model = nn.Sequential(*layers[:-1])  # no activation after the output layer
    return sum(p.numel() for p in model.parameters())


# --- recurrent layers -----------------------------------------------------------------------


def _recurrent_count(kind: str, input_size: int, hidden_size: int) -> int:
    from torch import nn

    layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind](input_size, hidden_size)
    # PyTorch keeps two bias vectors per gate (b_ih and b_hh); both are counted.
    return sum(p.numel() for p in layer.parameters())


@generator("rnn-params", "parameter count of nn.RNN")
def rnn_parameter_count(input_size: int, hidden_size: int) -> int:
    return _recurrent_count("rnn", input_size, hidden_size)


@generator("lstm-params", "parameter count of nn.LSTM")
def lstm_parameter_count(input_size: int, hidden_size: int) -> int:
    return _recurrent_count("lstm", input_size, hidden_size)


@generator("gru-params", "parameter count of nn.GRU")
def gru_parameter_count(input_size: int, hidden_size: int) -> int:
    return _recurrent_count("gru", input_size, hidden_size)


# --- regularization -------------------------------------------------------------------------


@generator("dropout-kept-value", "value a kept unit passes on under inverted dropout")
def dropout_kept_value(p: float, activation: float) -> float:
    """What a unit with this activation passes on in training when dropout keeps it."""
    import torch
    from torch import nn

    if not 0 <= p < 1:
        raise GeneratorError("dropout p must be in [0, 1)")
    layer = nn.Dropout(p).train()
    # Many copies of the same activation: some are dropped (0), the kept ones are rescaled.
    # fork_rng: drawing the dropout mask must not disturb anyone else's random numbers.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        out = layer(torch.full((4096,), float(activation)))
    kept = out[out != 0]
    return float(kept[0]) if len(kept) else 0.0


@generator("sgd-weight-decay-step", "weight after one SGD step with L2 weight decay")
def sgd_weight_decay_step(weight: float, grad: float, lr: float, weight_decay: float) -> float:
    """A weight after one torch.optim.SGD step with weight_decay, when the data loss has this gradient."""
    import torch

    w = torch.tensor([float(weight)], requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr, weight_decay=weight_decay)
    loss = (float(grad) * w).sum()  # d(loss)/dw = grad
    loss.backward()
    optimizer.step()
    return float(w.detach()[0])




# --- evaluation (K-fold cross-validation) -----------------------------------------------------


@generator("cv-mean", "cross-validation score: mean of five fold scores")
def cv_mean_score(a1: float, a2: float, a3: float, a4: float, a5: float) -> float:
    """The 5-fold cross-validation score: the mean of the five fold scores."""
    import torch

    return float(torch.tensor([a1, a2, a3, a4, a5], dtype=torch.float64).mean())


@generator("cv-std", "standard deviation of five fold scores")
def cv_std_score(a1: float, a2: float, a3: float, a4: float, a5: float, unbiased: bool) -> float:
    """Standard deviation of five fold scores: the sample one (divides by K - 1) or, with
    `unbiased` false, the population one (divides by K)."""
    import torch

    return float(torch.tensor([a1, a2, a3, a4, a5], dtype=torch.float64).std(correction=int(unbiased)))


@generator("kfold-rows", "images one K-fold model trains on (or validates on)")
def kfold_rows(images: int, folds: int, validation: bool) -> int:
    """Images one model of K-fold cross-validation trains on (or, with `validation`, is
    scored on), counted from the folds the K-fold demo's lesson makes."""
    import torch

    from demos.kfold.lesson import make_folds

    if not 2 <= folds <= images:
        raise GeneratorError(f"{folds} folds need at least {folds} images and at least 2 folds")
    fold = make_folds(torch.zeros(images, dtype=torch.long), folds, False, torch.Generator().manual_seed(0))
    return int((fold == 0).sum()) if validation else int((fold != 0).sum())


@generator("cv-trainings", "number of trainings of (nested) cross-validation")
def cv_trainings(outer_folds: int, inner_folds: int, settings: int, refit: bool) -> int:
    """Trainings of (nested) cross-validation: in each of the outer rounds, every setting is
    trained once per inner fold, and (with `refit`) the chosen one once more on the whole outer
    training part. One outer fold means plain tuning by cross-validation plus a final refit."""
    return outer_folds * (inner_folds * settings + int(refit))


# --- hyperparameter search (tuning) -----------------------------------------------------------


@generator("random-search-hit-chance", "percent chance that random search hits the best share of the space")
def random_search_hit_chance(trials: int, top_percent: float) -> float:
    """Percent chance that at least one of `trials` independent random draws lands in the best
    `top_percent` of the search space: 100 * (1 - (1 - p)^n), counted over every way to miss."""
    if not 0 < top_percent < 100 or trials < 1:
        raise GeneratorError("need at least one trial and a share strictly between 0% and 100%")
    miss_all = (1 - top_percent / 100) ** trials
    return 100 * (1 - miss_all)


@generator("halving-epochs", "total epochs of training successive halving spends")
def halving_epochs(configs: int, min_epochs: int, keep_one_in: int, rungs: int, resume: bool) -> int:
    """Epochs of training that successive halving spends: `configs` trials of `min_epochs`, then
    the best 1/keep_one_in of them for keep_one_in times the epochs, for `rungs` rungs. Each
    rung retrains its survivors from scratch, unless `resume` continues them from where they were."""
    if configs < 1 or min_epochs < 1 or keep_one_in < 2 or rungs < 1:
        raise GeneratorError("successive halving needs configurations, epochs, a factor >= 2 and a rung")
    total, alive, epochs, trained = 0, configs, min_epochs, 0
    for _ in range(rungs):
        total += alive * (epochs - trained if resume else epochs)
        alive, trained, epochs = max(1, alive // keep_one_in), epochs, epochs * keep_one_in
    return total


# --- CNN architectures (the architectures topic) ------------------------------------------------


@generator("separable-conv-params",
           "weights of a depthwise separable convolution (or of the standard one it replaces)")
def separable_conv_parameter_count(in_channels: int, out_channels: int, kernel: int, separable: bool) -> int:
    """Weights of a depthwise separable convolution (a k x k filter per input channel, then a
    1x1 convolution mixing them), or with separable=False of the standard convolution it
    replaces. No biases."""
    from torch import nn

    if separable:
        layers = [nn.Conv2d(in_channels, in_channels, kernel, groups=in_channels, bias=False),
                  nn.Conv2d(in_channels, out_channels, 1, bias=False)]
    else:
        layers = [nn.Conv2d(in_channels, out_channels, kernel, bias=False)]
    return sum(p.numel() for layer in layers for p in layer.parameters())


@generator("conv2d-macs", "multiply-adds of a same-padded Conv2d on one image")
def conv2d_multiply_adds(size: int, in_channels: int, out_channels: int, kernel: int) -> int:
    """Multiply-adds of a Conv2d (stride 1, padding kernel // 2) on one size x size image: every
    output value is a sum of in_channels x kernel x kernel products."""
    import torch
    from torch import nn

    if kernel % 2 == 0:
        raise GeneratorError("an even kernel cannot keep the size with symmetric padding")
    layer = nn.Conv2d(in_channels, out_channels, kernel, padding=kernel // 2, bias=False)
    with torch.no_grad():
        out = layer(torch.zeros(1, in_channels, size, size))
    return out.numel() * in_channels * kernel * kernel




# --- tensors and autograd ---------------------------------------------------------------------


@generator("contiguous-stride", "stride along one dimension of a fresh 3-D tensor")
def contiguous_stride(d0: int, d1: int, d2: int, dim: int) -> int:
    """Stride along `dim` of a fresh (contiguous) tensor of shape (d0, d1, d2), as torch lays it out."""
    import torch

    if not 0 <= dim <= 2:
        raise GeneratorError(f"a 3-D tensor has dimensions 0, 1 and 2, not {dim}")
    return torch.empty(d0, d1, d2).stride(dim)


@generator("slice-offset", "storage offset of x[start_row:, start_col:]")
def slice_offset(rows: int, cols: int, start_row: int, start_col: int) -> int:
    """Storage offset of x[start_row:, start_col:] for x = a fresh tensor of shape (rows, cols)."""
    import torch

    if not (0 <= start_row < rows and 0 <= start_col < cols):
        raise GeneratorError("the slice must start inside the tensor")
    return torch.empty(rows, cols)[start_row:, start_col:].storage_offset()


@generator("element-address", "storage cell of element [i, j] of x or x.t()")
def element_address(rows: int, cols: int, i: int, j: int, transposed: bool) -> int:
    """The storage cell that element [i, j] of x (or of x.t()) reads, for x = torch.arange(rows *
    cols).reshape(rows, cols): since x counts its own cells, the element's value is its cell."""
    import torch

    x = torch.arange(rows * cols).reshape(rows, cols)
    y = x.t() if transposed else x
    if not (0 <= i < y.shape[0] and 0 <= j < y.shape[1]):
        raise GeneratorError(f"[{i}, {j}] is outside a tensor of shape {tuple(y.shape)}")
    return int(y[i, j])


@generator("accumulated-grad", "x.grad after several backward passes without zero_grad")
def accumulated_grad(value: float, power: int, calls: int) -> float:
    """x.grad after `calls` rounds of (x ** power).backward() with no zeroing in between."""
    import torch

    x = torch.tensor(float(value), dtype=torch.float64, requires_grad=True)
    for _ in range(calls):
        (x ** power).backward()
    return float(x.grad)


@generator("dataloader-batches", "batches per epoch of a DataLoader")
def dataloader_batches(samples: int, batch_size: int, drop_last: bool) -> int:
    """Batches per epoch of a DataLoader over `samples` items: len(DataLoader(...))."""
    from torch.utils.data import DataLoader

    if samples < 1 or batch_size < 1:
        raise GeneratorError("a DataLoader needs at least one sample and a batch size of at least one")
    return len(DataLoader(range(samples), batch_size=batch_size, drop_last=drop_last))




# --- embeddings (word vectors) ----------------------------------------------------------------


@generator("embedding-params",
           "parameter count of nn.Embedding (or, with bias, of nn.Linear of the same size)")
def embedding_parameter_count(vocab: int, dim: int, bias: bool) -> int:
    """Parameters of nn.Embedding(vocab, dim): one row of `dim` numbers per word. With `bias`,
    the count of nn.Linear(vocab, dim) instead (the same matrix plus a bias per output), the
    layer an embedding is often mistaken for."""
    from torch import nn

    # On the meta device: the shapes and counts without allocating (or initializing) the table.
    layer = nn.Linear(vocab, dim, device="meta") if bias else nn.Embedding(vocab, dim, device="meta")
    return sum(p.numel() for p in layer.parameters())


@generator("cosine-similarity", "cosine similarity (or dot product) of two 3-D vectors", names={
    **{f"{v}{k}": Text(f"{v}{k} (component {k} of {v})", f"{v}{k} ({v}의 {k}번째 성분)") for v in "ab" for k in (1, 2, 3)},
})
def cosine_of(a1: float, a2: float, a3: float, b1: float, b2: float, b3: float, normalized: bool) -> float:
    """Cosine similarity of two 3-D vectors (torch.nn.functional.cosine_similarity); without
    `normalized`, their plain dot product."""
    import torch
    import torch.nn.functional as F

    a = torch.tensor([a1, a2, a3], dtype=torch.float64)
    b = torch.tensor([b1, b2, b3], dtype=torch.float64)
    return float(F.cosine_similarity(a, b, dim=0)) if normalized else float(a @ b)


@generator("fasttext-ngrams", "character n-grams FastText takes from a word")
def fasttext_ngram_count(letters: int, min_n: int, max_n: int, boundaries: bool) -> int:
    """How many character n-grams (n from min_n to max_n) FastText takes from a word of
    `letters` different letters, counted by listing them: the word is wrapped in the boundary
    symbols < and > first (without `boundaries`, the count someone who forgets them gets). The
    whole word, which FastText adds as one more unit of its own, is not counted."""
    if not 1 <= min_n <= max_n:
        raise GeneratorError(f"need 1 <= min_n <= max_n, got {min_n} and {max_n}")
    word = "".join(chr(ord("a") + i % 26) for i in range(letters))
    if boundaries:
        word = f"<{word}>"
    grams = [word[i:i + n] for n in range(min_n, max_n + 1) for i in range(len(word) - n + 1)]
    return len(grams)


# --- normalization and initialization ---------------------------------------------------------


@generator("batchnorm-running-mean", "running mean of a BatchNorm1d feature after one training batch")
def batchnorm_running_mean(momentum: float, running: float, batch_mean: float) -> float:
    """A BatchNorm1d feature's running mean after one training-mode batch with this mean."""
    import torch
    from torch import nn

    if running == batch_mean:
        raise GeneratorError("the batch mean equals the running mean: the update shows nothing")
    layer = nn.BatchNorm1d(1, momentum=momentum).train()
    with torch.no_grad():
        layer.running_mean.fill_(float(running))
        layer(torch.tensor([[batch_mean - 1.0], [batch_mean + 1.0]]))  # two values with this mean
    return float(layer.running_mean[0])


@generator("xavier-uniform-limit",
           "bound of nn.init.xavier_uniform_ (or std of xavier_normal_) for nn.Linear(fan_in, fan_out)")
def xavier_uniform_limit(fan_in: int, fan_out: int, uniform: bool) -> float:
    """The bound a of nn.init.xavier_uniform_ for nn.Linear(fan_in, fan_out), measured as the
    largest |w| over about a million draws; with uniform=False, the measured standard deviation
    of nn.init.xavier_normal_ instead."""
    import torch
    from torch import nn

    weight = torch.empty(fan_out, fan_in)
    fill = nn.init.xavier_uniform_ if uniform else nn.init.xavier_normal_
    with torch.random.fork_rng(devices=[]):  # leaves everyone else's random numbers alone
        torch.manual_seed(0)
        # clone(): each fill_ overwrites `weight` in place
        draws = torch.cat([fill(weight).flatten().clone() for _ in range(max(1, 1_000_000 // weight.numel()))])
    return float(draws.abs().max() if uniform else draws.std())




# --- attention and transformers -------------------------------------------------------------


@generator("attention-weight", "attention weight of the first of three keys, scaled dot product")
def attention_weight(s1: float, s2: float, s3: float, d_k: int) -> float:
    """The weight scaled dot-product attention gives the first of three keys whose dot products
    with the query are s1, s2, s3: softmax(s / sqrt(d_k))[0]."""
    import torch

    scores = torch.tensor([s1, s2, s3], dtype=torch.float64) / d_k ** 0.5
    return float(scores.softmax(0)[0])


@generator("transformer-block-params", "parameter count of one Transformer block (feed-forward 4d)")
def transformer_block_parameters(d_model: int, heads: int, biases: bool) -> int:
    """Parameters of the attention demo's Transformer block (attention, feed-forward 4d, two
    layer norms), counted by PyTorch; with `biases` false, only the weight matrices."""
    from demos.attention.lesson import Block

    if d_model % heads:
        raise GeneratorError(f"{heads} heads cannot share d_model = {d_model} equally")
    block = Block(d_model, heads, causal=False)
    return sum(p.numel() for p in block.parameters() if biases or p.dim() == 2)


@generator("gpt-params", "parameter count of a GPT-2-style decoder")
def gpt_parameters(layers: int, d_model: int, vocab: int, context: int, embeddings: bool) -> int:
    """Parameters of a GPT-2-style decoder built from the demo's blocks on PyTorch's meta device
    (shapes only, no memory): token and position tables (the output layer reuses the token
    table), `layers` blocks and a final layer norm. With `embeddings` false, the tables are
    left out."""
    import torch
    from torch import nn

    from demos.attention.lesson import Block

    with torch.device("meta"):
        parts = [Block(d_model, 1, causal=True) for _ in range(layers)] + [nn.LayerNorm(d_model)]
        if embeddings:
            parts += [nn.Embedding(vocab, d_model), nn.Embedding(context, d_model)]
    return sum(p.numel() for part in parts for p in part.parameters())


# --- transfer learning ------------------------------------------------------------------------


@generator("mobilenetv2-trainable", "parameters trained after replacing MobileNetV2's head, backbone frozen or not")
def mobilenet_v2_trainable(classes: int, frozen: bool) -> int:
    """Parameters the optimizer updates after MobileNetV2's 1000-class layer is replaced by one
    for `classes` classes, with the rest frozen (`frozen`) or fine-tuned too."""
    import torch
    import torchvision
    from torch import nn

    if classes < 1:
        raise GeneratorError("a classifier needs at least one class")
    with torch.device("meta"):  # shapes only: no memory, no random initialization to wait for
        model = torchvision.models.mobilenet_v2(weights=None)
        if frozen:
            model.requires_grad_(False)
        old = model.classifier[1]  # nn.Linear(1280, 1000) after a Dropout
        model.classifier[1] = nn.Linear(old.in_features, int(classes))  # new: requires_grad
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# --- what the learner reads -------------------------------------------------------------------
# A numeric question shows the values drawn for each attempt ("input size = 12"): each
# parameter's name in both languages. A parameter missing here shows as its name in the code.
PARAM_NAMES: dict[str, Text] = {
    "in_size": Text("input size", "입력 크기"),
    "kernel": Text("kernel size", "커널 크기"),
    "stride": Text("stride", "스트라이드"),
    "padding": Text("padding", "패딩"),
    "in_channels": Text("input channels", "입력 채널 수"),
    "out_channels": Text("output channels", "출력 채널 수"),
    "bias": Text("bias", "편향"),
    "in_features": Text("input features", "입력 특징 수"),
    "out_features": Text("output features", "출력 특징 수"),
    "inputs": Text("inputs", "입력 수"),
    "hidden": Text("hidden units per layer", "층당 은닉 유닛 수"),
    "outputs": Text("outputs", "출력 수"),
    "hidden_layers": Text("hidden layers", "은닉층 수"),
    "input_size": Text("input size", "입력 크기"),
    "hidden_size": Text("hidden size", "은닉 상태 크기"),
    "p": Text("dropout rate p", "드롭아웃 비율 p"),
    "activation": Text("activation", "활성값"),
    "weight": Text("weight", "가중치"),
    "grad": Text("gradient", "기울기"),
    "lr": Text("learning rate", "학습률"),
    "weight_decay": Text("weight decay", "가중치 감쇠"),
    **{f"a{k}": Text(f"fold {k} score", f"폴드 {k} 점수") for k in range(1, 6)},
    "unbiased": Text("unbiased (divide by K − 1)", "불편 추정 (K − 1로 나눔)"),
    "images": Text("images", "이미지 수"),
    "folds": Text("folds", "폴드 수"),
    "validation": Text("count the validation fold", "검증 폴드를 셈"),
    "outer_folds": Text("outer folds", "바깥 폴드 수"),
    "inner_folds": Text("inner folds", "안쪽 폴드 수"),
    "settings": Text("settings tried", "시도할 설정 수"),
    "refit": Text("refit on the whole training part", "훈련 부분 전체로 다시 학습"),
    "trials": Text("trials", "시도 수"),
    "top_percent": Text("best share of the space (%)", "공간에서 가장 좋은 비율 (%)"),
    "configs": Text("configurations", "설정 수"),
    "min_epochs": Text("epochs in the first rung", "첫 단계의 에포크 수"),
    "keep_one_in": Text("keep one in", "남기는 비율 (n개 중 1개)"),
    "rungs": Text("rungs", "단계 수"),
    "resume": Text("resume survivors", "살아남은 설정 이어서 학습"),
    "separable": Text("depthwise separable", "깊이별 분리"),
    "size": Text("image size", "이미지 크기"),
    "d0": Text("size of dimension 0", "0번 차원의 크기"),
    "d1": Text("size of dimension 1", "1번 차원의 크기"),
    "d2": Text("size of dimension 2", "2번 차원의 크기"),
    "dim": Text("dimension", "차원"),
    "rows": Text("rows", "행 수"),
    "cols": Text("columns", "열 수"),
    "start_row": Text("first row", "시작 행"),
    "start_col": Text("first column", "시작 열"),
    "i": Text("row i", "행 i"),
    "j": Text("column j", "열 j"),
    "transposed": Text("transposed", "전치함"),
    "value": Text("value of x", "x의 값"),
    "power": Text("power", "거듭제곱 지수"),
    "calls": Text("backward calls", "backward 호출 수"),
    "samples": Text("samples", "샘플 수"),
    "batch_size": Text("batch size", "배치 크기"),
    "drop_last": Text("drop the short last batch (drop_last)", "모자란 마지막 배치 버림 (drop_last)"),
    "vocab": Text("vocabulary size", "어휘 크기"),
    "normalized": Text("cosine (normalized)", "코사인 (정규화함)"),
    "letters": Text("letters in the word", "단어의 글자 수"),
    "min_n": Text("shortest n-gram", "가장 짧은 n-gram"),
    "max_n": Text("longest n-gram", "가장 긴 n-gram"),
    "boundaries": Text("boundary symbols < >", "경계 기호 < >"),
    "momentum": Text("momentum", "모멘텀"),
    "running": Text("running mean before", "이전 이동 평균"),
    "batch_mean": Text("batch mean", "배치 평균"),
    "fan_in": Text("fan-in", "fan-in (입력 수)"),
    "fan_out": Text("fan-out", "fan-out (출력 수)"),
    "uniform": Text("uniform (else normal)", "균등 분포 (아니면 정규 분포)"),
    **{f"s{k}": Text(f"score of key {k}", f"키 {k}의 점수") for k in (1, 2, 3)},
    "d_k": Text("key size d_k", "키 크기 d_k"),
    "d_model": Text("model width d_model", "모델 폭 d_model"),
    "heads": Text("attention heads", "어텐션 헤드 수"),
    "biases": Text("with biases", "편향 포함"),
    "layers": Text("layers", "층 수"),
    "context": Text("context length", "문맥 길이"),
    "embeddings": Text("count the embeddings", "임베딩 포함"),
    "classes": Text("new classes", "새 클래스 수"),
    "frozen": Text("backbone frozen", "백본 고정"),
}


def param_name(name: str, generator: str | None = None) -> Text:
    """A generator parameter's name on screen (the generator's own name for it first); its name
    in the code when it has none."""
    own = GENERATORS[generator].names if generator in GENERATORS else {}
    return own.get(name) or PARAM_NAMES.get(name) or Text(name, name)
