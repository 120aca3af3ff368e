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

from dataclasses import dataclass
from typing import Callable

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

    def __call__(self, **values: float | int | bool) -> float:
        unknown = sorted(set(values) - set(self.params))
        missing = [p for p in self.params if p not in values]
        if unknown or missing:
            raise TypeError(f"{self.name}: unknown {unknown}, missing {missing}; takes {', '.join(self.params)}")
        return self.compute(**values)


# --- convolution and pooling ----------------------------------------------------------------
# The formulas and the measuring live in demos/conv_shapes.py, shared with the CNN demo: the
# formula refuses a window that does not fit, PyTorch gives the answer.


def conv2d_output_size(in_size: int, kernel: int, stride: int, padding: int) -> int:
    """Height (= width) of the output of a square Conv2d on a square input."""
    try:
        conv_shapes.output_size(in_size, kernel, stride, padding)
    except ValueError as error:
        raise GeneratorError(str(error)) from None
    return conv_shapes.measured_output_size(in_size, kernel, stride, padding, layer="conv")


def conv2d_parameter_count(in_channels: int, out_channels: int, kernel: int, bias: bool) -> int:
    """Learnable numbers in a Conv2d: one kernel per (output, input) channel pair, plus biases."""
    return conv_shapes.measured_conv2d_parameter_count(in_channels, out_channels, kernel, bias)


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


def linear_parameter_count(in_features: int, out_features: int, bias: bool) -> int:
    from torch import nn

    return sum(p.numel() for p in nn.Linear(in_features, out_features, bias=bias).parameters())


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


def rnn_parameter_count(input_size: int, hidden_size: int) -> int:
    return _recurrent_count("rnn", input_size, hidden_size)


def lstm_parameter_count(input_size: int, hidden_size: int) -> int:
    return _recurrent_count("lstm", input_size, hidden_size)


def gru_parameter_count(input_size: int, hidden_size: int) -> int:
    return _recurrent_count("gru", input_size, hidden_size)


# --- regularization -------------------------------------------------------------------------


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


def sgd_weight_decay_step(weight: float, grad: float, lr: float, weight_decay: float) -> float:
    """A weight after one torch.optim.SGD step with weight_decay, when the data loss has this gradient."""
    import torch

    w = torch.tensor([float(weight)], requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr, weight_decay=weight_decay)
    loss = (float(grad) * w).sum()  # d(loss)/dw = grad
    loss.backward()
    optimizer.step()
    return float(w.detach()[0])


GENERATORS: dict[str, Generator] = {
    g.name: g
    for g in (
        Generator("conv2d-output", ("in_size", "kernel", "stride", "padding"), conv2d_output_size,
                  "output height/width of a square Conv2d"),
        Generator("conv2d-params", ("in_channels", "out_channels", "kernel", "bias"), conv2d_parameter_count,
                  "parameter count of a Conv2d"),
        Generator("maxpool2d-output", ("in_size", "kernel", "stride"), maxpool2d_output_size,
                  "output height/width of a square MaxPool2d"),
        Generator("linear-params", ("in_features", "out_features", "bias"), linear_parameter_count,
                  "parameter count of a Linear layer"),
        Generator("mlp-params", ("inputs", "hidden", "outputs", "hidden_layers", "bias"), mlp_parameter_count,
                  "parameter count of an MLP with equal hidden layers"),
        Generator("rnn-params", ("input_size", "hidden_size"), rnn_parameter_count, "parameter count of nn.RNN"),
        Generator("lstm-params", ("input_size", "hidden_size"), lstm_parameter_count, "parameter count of nn.LSTM"),
        Generator("gru-params", ("input_size", "hidden_size"), gru_parameter_count, "parameter count of nn.GRU"),
        Generator("dropout-kept-value", ("p", "activation"), dropout_kept_value,
                  "value a kept unit passes on under inverted dropout"),
        Generator("sgd-weight-decay-step", ("weight", "grad", "lr", "weight_decay"), sgd_weight_decay_step,
                  "weight after one SGD step with L2 weight decay"),
    )
}


# --- evaluation (K-fold cross-validation) -----------------------------------------------------


def cv_mean_score(a1: float, a2: float, a3: float, a4: float, a5: float) -> float:
    """The 5-fold cross-validation score: the mean of the five fold scores."""
    import torch

    return float(torch.tensor([a1, a2, a3, a4, a5], dtype=torch.float64).mean())


def cv_std_score(a1: float, a2: float, a3: float, a4: float, a5: float, unbiased: bool) -> float:
    """Standard deviation of five fold scores: the sample one (divides by K - 1) or, with
    `unbiased` false, the population one (divides by K)."""
    import torch

    return float(torch.tensor([a1, a2, a3, a4, a5], dtype=torch.float64).std(correction=int(unbiased)))


def kfold_rows(images: int, folds: int, validation: bool) -> int:
    """Images one model of K-fold cross-validation trains on (or, with `validation`, is
    scored on), counted from the folds the K-fold demo's lesson makes."""
    import torch

    from demos.kfold.lesson import make_folds

    if not 2 <= folds <= images:
        raise GeneratorError(f"{folds} folds need at least {folds} images and at least 2 folds")
    fold = make_folds(torch.zeros(images, dtype=torch.long), folds, False, torch.Generator().manual_seed(0))
    return int((fold == 0).sum()) if validation else int((fold != 0).sum())


def cv_trainings(outer_folds: int, inner_folds: int, settings: int, refit: bool) -> int:
    """Trainings of (nested) cross-validation: in each of the outer rounds, every setting is
    trained once per inner fold, and (with `refit`) the chosen one once more on the whole outer
    training part. One outer fold means plain tuning by cross-validation plus a final refit."""
    return outer_folds * (inner_folds * settings + int(refit))


# --- hyperparameter search (tuning) -----------------------------------------------------------


def random_search_hit_chance(trials: int, top_percent: float) -> float:
    """Percent chance that at least one of `trials` independent random draws lands in the best
    `top_percent` of the search space: 100 * (1 - (1 - p)^n), counted over every way to miss."""
    if not 0 < top_percent < 100 or trials < 1:
        raise GeneratorError("need at least one trial and a share strictly between 0% and 100%")
    miss_all = (1 - top_percent / 100) ** trials
    return 100 * (1 - miss_all)


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


GENERATORS.update({
    g.name: g
    for g in (
        Generator("cv-mean", ("a1", "a2", "a3", "a4", "a5"), cv_mean_score,
                  "cross-validation score: mean of five fold scores"),
        Generator("cv-std", ("a1", "a2", "a3", "a4", "a5", "unbiased"), cv_std_score,
                  "standard deviation of five fold scores"),
        Generator("kfold-rows", ("images", "folds", "validation"), kfold_rows,
                  "images one K-fold model trains on (or validates on)"),
        Generator("cv-trainings", ("outer_folds", "inner_folds", "settings", "refit"), cv_trainings,
                  "number of trainings of (nested) cross-validation"),
        Generator("random-search-hit-chance", ("trials", "top_percent"), random_search_hit_chance,
                  "percent chance that random search hits the best share of the space"),
        Generator("halving-epochs", ("configs", "min_epochs", "keep_one_in", "rungs", "resume"), halving_epochs,
                  "total epochs of training successive halving spends"),
        Generator("separable-conv-params", ("in_channels", "out_channels", "kernel", "separable"),
                  separable_conv_parameter_count,
                  "weights of a depthwise separable convolution (or of the standard one it replaces)"),
        Generator("conv2d-macs", ("size", "in_channels", "out_channels", "kernel"), conv2d_multiply_adds,
                  "multiply-adds of a same-padded Conv2d on one image"),
    )
})


# --- tensors and autograd ---------------------------------------------------------------------


def contiguous_stride(d0: int, d1: int, d2: int, dim: int) -> int:
    """Stride along `dim` of a fresh (contiguous) tensor of shape (d0, d1, d2), as torch lays it out."""
    import torch

    if not 0 <= dim <= 2:
        raise GeneratorError(f"a 3-D tensor has dimensions 0, 1 and 2, not {dim}")
    return torch.empty(d0, d1, d2).stride(dim)


def slice_offset(rows: int, cols: int, start_row: int, start_col: int) -> int:
    """Storage offset of x[start_row:, start_col:] for x = a fresh tensor of shape (rows, cols)."""
    import torch

    if not (0 <= start_row < rows and 0 <= start_col < cols):
        raise GeneratorError("the slice must start inside the tensor")
    return torch.empty(rows, cols)[start_row:, start_col:].storage_offset()


def element_address(rows: int, cols: int, i: int, j: int, transposed: bool) -> int:
    """The storage cell that element [i, j] of x (or of x.t()) reads, for x = torch.arange(rows *
    cols).reshape(rows, cols): since x counts its own cells, the element's value is its cell."""
    import torch

    x = torch.arange(rows * cols).reshape(rows, cols)
    y = x.t() if transposed else x
    if not (0 <= i < y.shape[0] and 0 <= j < y.shape[1]):
        raise GeneratorError(f"[{i}, {j}] is outside a tensor of shape {tuple(y.shape)}")
    return int(y[i, j])


def accumulated_grad(value: float, power: int, calls: int) -> float:
    """x.grad after `calls` rounds of (x ** power).backward() with no zeroing in between."""
    import torch

    x = torch.tensor(float(value), dtype=torch.float64, requires_grad=True)
    for _ in range(calls):
        (x ** power).backward()
    return float(x.grad)


def dataloader_batches(samples: int, batch_size: int, drop_last: bool) -> int:
    """Batches per epoch of a DataLoader over `samples` items: len(DataLoader(...))."""
    from torch.utils.data import DataLoader

    if samples < 1 or batch_size < 1:
        raise GeneratorError("a DataLoader needs at least one sample and a batch size of at least one")
    return len(DataLoader(range(samples), batch_size=batch_size, drop_last=drop_last))


GENERATORS.update({
    g.name: g
    for g in (
        Generator("contiguous-stride", ("d0", "d1", "d2", "dim"), contiguous_stride,
                  "stride along one dimension of a fresh 3-D tensor"),
        Generator("slice-offset", ("rows", "cols", "start_row", "start_col"), slice_offset,
                  "storage offset of x[start_row:, start_col:]"),
        Generator("element-address", ("rows", "cols", "i", "j", "transposed"), element_address,
                  "storage cell of element [i, j] of x or x.t()"),
        Generator("accumulated-grad", ("value", "power", "calls"), accumulated_grad,
                  "x.grad after several backward passes without zero_grad"),
        Generator("dataloader-batches", ("samples", "batch_size", "drop_last"), dataloader_batches,
                  "batches per epoch of a DataLoader"),
    )
})


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
}


def param_name(name: str) -> Text:
    """A generator parameter's name on screen; its name in the code when it has none."""
    return PARAM_NAMES.get(name) or Text(name, name)
