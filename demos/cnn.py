"""Convolutional neural networks: what a convolution does, and what a small CNN learns.

Part 1 trains a LeNet-style CNN on scikit-learn's real 8x8 handwritten digits:

    input 1×8×8 → conv 3×3 → ReLU → max-pool 2×2 → conv 3×3 → ReLU → max-pool 2×2
                → flatten → fully connected → ReLU → fully connected → 10 class scores

and, in the same loop, on the same batches, a plain MLP sized to have about as many
parameters. You see the CNN's learned 3×3 filters, the feature maps one digit produces after
every convolution and pooling layer, the tensor shape at every layer (predicted with the
output-size formula and checked against a real forward pass), and both test accuracies.

Part 2 slides a classic hand-made kernel (edge, blur, sharpen, ...) over a real photo with
the stride and padding you choose, and checks the output-size formula

    out = floor((H + 2P − K) / S) + 1

against the shape torch actually returns.

`conv2d_output_size` and `conv2d_parameter_count` are plain functions other code may import.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

from demos.data import digit_images, sample_photos
from demos.framework import (
    Param, ParamError, Progress, Reporter, Result, T, Throttle, Value, resolve_params, seed_everything,
)

MODELS = ("cnn", "mlp")
NAMES = {"cnn": "CNN", "mlp": "MLP"}
COLORS = {"cnn": "#1f77b4", "mlp": "#ff7f0e"}
TEST_SIZE = 360  # digits held out once; the other 1437 are the training set
BATCH_SIZE = 64
FC_HIDDEN = 32  # units in the CNN's hidden fully connected layer
EVAL_POINTS = 30  # how many times the test accuracy is measured during training
MAX_MAPS_SHOWN = 8  # feature-map channels drawn per layer (the rest only make the grid tiny)
PHOTO_NAMES = ("temple", "flower")  # the order of scikit-learn's sample_photos()
PHOTO_DOWNSCALE = 4  # 427×640 photos become 106×160: fast, and pixels are still visible
AGREEMENT_POINTS = 0.02  # fast path and reference: test accuracies within 2 points

# Classic hand-made kernels. A CNN *learns* numbers like these instead of being given them.
KERNELS: dict[str, list[list[float]]] = {
    # Laplacian: zero on flat regions, large wherever brightness changes in any direction.
    "edge": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    # Sobel: brightness difference left-to-right (finds vertical edges) and top-to-bottom.
    "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    # 5×5 Gaussian blur: a weighted average of the neighbourhood (weights sum to 1).
    "blur": (np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256.0).tolist(),
    # Sharpen: the pixel plus (pixel − its neighbours), which exaggerates local contrast.
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    # Emboss: bright where brightness rises towards the lower right, like a relief.
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
}


# --- shape and size formulas -----------------------------------------------------------------


def conv2d_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Length of one spatial side after a convolution (or pooling) window slides over it.

        out = floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1

    With dilation 1 this is the familiar floor((H + 2P − K) / S) + 1: the padded input has
    H + 2P positions, the first window covers K of them, and every further step of S
    positions that still fits adds one output. Pooling layers (ceil_mode=False) use the same
    rule. Raises ValueError if a window does not fit at all.
    """
    for name, value, least in (("size", size, 1), ("kernel", kernel, 1), ("stride", stride, 1),
                               ("padding", padding, 0), ("dilation", dilation, 1)):
        if value < least:
            raise ValueError(f"{name} must be at least {least}, got {value}")
    span = dilation * (kernel - 1) + 1  # how many input positions one window covers
    if size + 2 * padding < span:
        raise ValueError(f"a window of {span} does not fit in {size} + 2·{padding} positions")
    return (size + 2 * padding - span) // stride + 1


def conv2d_parameter_count(in_channels: int, out_channels: int, kernel: int, bias: bool = True) -> int:
    """Weights of a Conv2d layer: one K×K×C_in filter per output channel, plus a bias each.

    The count does not depend on the image size: the same filter is shared by every position.
    """
    return out_channels * (in_channels * kernel * kernel + int(bias))


def linear_parameter_count(in_features: int, out_features: int) -> int:
    """Weights of a fully connected layer: every input to every output, plus a bias each."""
    return out_features * (in_features + 1)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# --- the two models --------------------------------------------------------------------------


def lenet_style_cnn(filters1: int, filters2: int) -> nn.Sequential:
    """A small LeNet-style CNN for 1×8×8 images, as one flat nn.Sequential of named layers.

    Padding 1 keeps a 3×3 convolution from shrinking the image, so only the 2×2 poolings
    halve it: 8 → 4 → 2. Keeping the model flat lets us walk it layer by layer below.
    """
    side = 8 // 2 // 2
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, filters1, kernel_size=3, padding=1)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(filters1, filters2, kernel_size=3, padding=1)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(filters2 * side * side, FC_HIDDEN)),
        ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(FC_HIDDEN, 10)),
    ]))


def mlp_hidden_to_match(target_parameters: int, inputs: int = 64, classes: int = 10) -> int:
    """Hidden width of a one-hidden-layer MLP whose parameter count is closest to the target.

    Such an MLP has (inputs + 1)·h + (h + 1)·classes parameters: linear in h, so solve for h.
    """
    per_unit = inputs + 1 + classes
    return max(1, round((target_parameters - classes) / per_unit))


def matched_mlp(hidden: int) -> nn.Sequential:
    return nn.Sequential(OrderedDict([
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(64, hidden)),
        ("relu1", nn.ReLU()),
        ("fc2", nn.Linear(hidden, 10)),
    ]))


def build_models(filters1: int, filters2: int, seed: int) -> dict[str, nn.Sequential]:
    """Both models, each initialized from its own seeded draw (so the fast path and the
    reference start from identical weights whatever else has used the random generator)."""
    torch.manual_seed(seed)
    cnn = lenet_style_cnn(filters1, filters2)
    torch.manual_seed(seed + 1)
    mlp = matched_mlp(mlp_hidden_to_match(parameter_count(cnn)))
    return {"cnn": cnn, "mlp": mlp}


@dataclass(frozen=True)
class LayerRow:
    """One row of the shape table."""

    name: str
    kind: str
    shape: tuple[int, ...]  # output shape of one example (no batch axis)
    parameters: int


def shape_table(model: nn.Sequential, input_shape: tuple[int, ...]) -> list[LayerRow]:
    """Each layer's output shape *predicted from the formulas*, without running the model."""
    shape = input_shape
    rows = [LayerRow("input", "Input", shape, 0)]
    for name, layer in model.named_children():
        if isinstance(layer, nn.Conv2d):
            (k, _), (s, _), (p, _) = layer.kernel_size, layer.stride, layer.padding
            shape = (layer.out_channels,) + tuple(conv2d_output_size(n, k, s, p) for n in shape[1:])
            params = conv2d_parameter_count(layer.in_channels, layer.out_channels, k, layer.bias is not None)
        elif isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
            k, s, p = layer.kernel_size, layer.stride, layer.padding
            shape = (shape[0],) + tuple(conv2d_output_size(n, k, s, p) for n in shape[1:])
            params = 0  # pooling has nothing to learn
        elif isinstance(layer, nn.Flatten):
            shape, params = (math.prod(shape),), 0
        elif isinstance(layer, nn.Linear):
            shape, params = (layer.out_features,), linear_parameter_count(layer.in_features, layer.out_features)
        else:  # element-wise layers (ReLU) keep the shape
            params = 0
        rows.append(LayerRow(name, type(layer).__name__, shape, params))
    return rows


def traced_shapes(model: nn.Sequential, x: torch.Tensor) -> list[tuple[int, ...]]:
    """The shapes a real forward pass produces, layer by layer (batch axis dropped)."""
    shapes = [tuple(x.shape[1:])]
    with torch.no_grad():
        for layer in model.children():
            x = layer(x)
            shapes.append(tuple(x.shape[1:]))
    return shapes


# --- data ------------------------------------------------------------------------------------


def split_digit_images(
    generator: torch.Generator, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """A fixed random train/test split of the 1797 digit images (N, 1, 8, 8), on `device`."""
    x, y = digit_images()
    order = torch.randperm(len(x), generator=generator)
    test, train = order[:TEST_SIZE], order[TEST_SIZE:]
    return x[train].to(device), y[train].to(device), x[test].to(device), y[test].to(device)


def batch_order(n: int, batch_size: int, steps: int, generator: torch.Generator) -> list[torch.Tensor]:
    """Row indices of `steps` mini-batches: each epoch a fresh shuffle, cut into batches
    (the last one of an epoch may be smaller), exactly as DataLoader(shuffle) would."""
    sampler = RandomSampler(range(n), generator=generator)
    batches: list[torch.Tensor] = []
    while len(batches) < steps:
        order = torch.tensor(list(sampler))
        batches.extend(order.split(batch_size))
    return batches[:steps]


def grayscale_photo(name: str, downscale: int = PHOTO_DOWNSCALE) -> torch.Tensor:
    """One bundled photo as a (1, 1, H, W) grayscale tensor in [0, 1], shrunk for speed."""
    rgb = torch.tensor(sample_photos()[PHOTO_NAMES.index(name)], dtype=torch.float32) / 255.0
    # Luma weights: the eye is most sensitive to green, least to blue (ITU-R BT.601).
    gray = rgb @ torch.tensor([0.299, 0.587, 0.114])
    # Averaging each block of pixels shrinks the photo without aliasing artefacts.
    return F.avg_pool2d(gray[None, None], downscale)


def kernel_tensor(name: str) -> torch.Tensor:
    return torch.tensor(KERNELS[name], dtype=torch.float32)[None, None]  # (out=1, in=1, K, K)


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (logits.argmax(-1) == y).float().mean()


# --- the demo --------------------------------------------------------------------------------


class CnnDemo:
    id = "cnn"
    title = T("Convolutional neural networks", "합성곱 신경망 (CNN)")
    description = T(
        "A small LeNet-style CNN and an MLP with about as many parameters learn the same "
        "handwritten digits in one training loop, on the same batches. See the filters the "
        "CNN learns, what one digit looks like after every convolution and pooling layer, and "
        "how the tensor shape shrinks layer by layer. Then slide a classic kernel over a real "
        "photo and check the output-size formula against PyTorch.",
        "작은 LeNet 스타일 CNN과 파라미터 수가 비슷한 MLP가 하나의 학습 루프에서 같은 배치로 "
        "같은 손글씨 숫자를 배웁니다. CNN이 학습한 필터, 숫자 하나가 합성곱층과 풀링층을 "
        "지날 때마다 바뀌는 모습, 층마다 줄어드는 텐서 모양을 확인하세요. 이어서 고전적인 "
        "커널을 실제 사진 위로 움직여 보고, 출력 크기 공식을 PyTorch의 결과와 맞춰 봅니다.",
    )
    params = (
        Param("steps", T("Training steps", "학습 스텝 수"), 600, min=20, max=3000, step=10,
              help=T(f"Mini-batches of {BATCH_SIZE} digits; both models see the same ones.",
                     f"숫자 {BATCH_SIZE}개짜리 미니배치 수입니다. 두 모델은 똑같은 배치를 봅니다.")),
        Param("lr", T("Learning rate (Adam)", "학습률 (Adam)"), 1e-2, min=1e-4, max=0.1, log=True),
        Param("filters1", T("Filters in conv layer 1", "합성곱층 1의 필터 수"), 6, min=1, max=32,
              help=T("LeNet-5 used 6. Each filter is one 3×3 pattern detector.",
                     "LeNet-5는 6개를 썼습니다. 필터 하나가 3×3 패턴 하나를 찾아냅니다.")),
        Param("filters2", T("Filters in conv layer 2", "합성곱층 2의 필터 수"), 16, min=1, max=64,
              help=T("LeNet-5 used 16. These combine the patterns found by layer 1.",
                     "LeNet-5는 16개를 썼습니다. 1층이 찾은 패턴들을 조합합니다.")),
        Param("digit", T("Digit to trace through the CNN", "CNN 안을 따라가 볼 숫자"), 3, min=0, max=9,
              help=T("The first test image of this digit is shown after every layer.",
                     "이 숫자의 첫 번째 테스트 이미지가 층마다 어떻게 바뀌는지 보여 줍니다.")),
        Param("photo", T("Photo", "사진"), "temple", choices=PHOTO_NAMES,
              choice_labels={"temple": T("temple (Chinese temple)", "temple (중국의 사원)"),
                             "flower": T("flower (close-up)", "flower (꽃 접사)")}),
        Param("kernel", T("Kernel", "커널"), "edge", choices=tuple(KERNELS),
              choice_labels={"edge": T("edge (Laplacian)", "edge (라플라시안 윤곽)"),
                             "sobel-x": T("sobel-x (vertical edges)", "sobel-x (세로 경계)"),
                             "sobel-y": T("sobel-y (horizontal edges)", "sobel-y (가로 경계)"),
                             "blur": T("blur (5×5 Gaussian)", "blur (5×5 가우시안 흐림)"),
                             "sharpen": T("sharpen", "sharpen (선명하게)"),
                             "emboss": T("emboss", "emboss (양각)")},
              help=T("edge: Laplacian outline; sobel-x / sobel-y: vertical / horizontal edges; "
                     "blur: 5×5 Gaussian; sharpen; emboss.",
                     "edge: 라플라시안 윤곽선, sobel-x / sobel-y: 세로 / 가로 경계, "
                     "blur: 5×5 가우시안 흐림, sharpen: 선명하게, emboss: 양각 효과.")),
        Param("stride", T("Stride", "스트라이드"), 1, min=1, max=8,
              help=T("How many pixels the kernel moves per step. Stride 2 halves each side.",
                     "커널이 한 번에 이동하는 픽셀 수입니다. 스트라이드 2는 각 변을 절반으로 줄입니다.")),
        Param("padding", T("Padding", "패딩"), 0, min=0, max=8,
              help=T("Rows and columns of zeros added around the photo before convolving.",
                     "합성곱 전에 사진 둘레에 덧붙이는 0의 행과 열 수입니다.")),
    )

    def run(
        self,
        params: Mapping[str, Value],
        *,
        device: torch.device,
        seed: int,
        report: Reporter,
    ) -> Result:
        p = resolve_params(self.params, params)
        generator = seed_everything(seed)
        x_train, y_train, x_test, y_test = split_digit_images(generator, device)
        steps = int(p["steps"])
        batches = [b.to(device) for b in batch_order(len(x_train), BATCH_SIZE, steps, generator)]

        models = build_models(int(p["filters1"]), int(p["filters2"]), seed)
        for model in models.values():
            model.to(device)
        # Both models train in ONE loop: each step feeds the same batch to both and sums their
        # losses. They share no weights, so backward() still gives each model exactly its own
        # gradients; and Adam updates every weight on its own, so one Adam over both models
        # is the same as one Adam per model. One backward and one optimizer step instead of two.
        parameters = [w for model in models.values() for w in model.parameters()]
        # The fused kernel updates every weight in one pass instead of ~10 small operations
        # per tensor: the same Adam, less overhead (available on CPU and CUDA).
        optimizer = torch.optim.Adam(parameters, lr=float(p["lr"]), fused=device.type in ("cpu", "cuda"))

        throttle = Throttle(steps, every=max(1, steps // EVAL_POINTS))
        evaluated_at: list[int] = []
        history: list[torch.Tensor] = []  # test accuracy of (cnn, mlp) at each evaluation
        self._evaluate(models, x_test, y_test, history)  # step 0: before any training
        evaluated_at.append(0)
        report(self._progress(0, steps, evaluated_at, history))

        for step, rows in enumerate(batches, start=1):
            x, y = x_train[rows], y_train[rows]
            loss = sum(F.cross_entropy(model(x), y) for model in models.values())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if throttle.due(step):
                self._evaluate(models, x_test, y_test, history)
                evaluated_at.append(step)
                report(self._progress(step, steps, evaluated_at, history))

        metrics, data = self._inspect_models(models, x_test, y_test, int(p["digit"]))
        data["eval_steps"] = np.array(evaluated_at)
        data["test_acc"] = torch.stack(history).cpu().numpy()
        photo_metrics, data["photo"] = self._convolve_photo(p, device)
        metrics.update(photo_metrics)
        return Result(metrics=metrics, data=data, summary=self._summary(metrics, steps))

    @staticmethod
    def _evaluate(models: Mapping[str, nn.Module], x: torch.Tensor, y: torch.Tensor,
                  history: list[torch.Tensor]) -> None:
        with torch.no_grad():
            history.append(torch.stack([accuracy(models[m](x), y) for m in MODELS]))

    @staticmethod
    def _progress(done: int, total: int, steps: list[int], history: list[torch.Tensor]) -> Progress:
        # The one host sync per report: the accuracies so far, copied to the CPU.
        acc = torch.stack(history).cpu()
        curves = {f"{NAMES[m]} · test accuracy": acc[:, i].tolist() for i, m in enumerate(MODELS)}
        return Progress(done=done, total=total, x=tuple(steps), curves=curves)

    def _inspect_models(
        self, models: Mapping[str, nn.Sequential], x_test: torch.Tensor, y_test: torch.Tensor, digit: int
    ) -> tuple[dict[str, float], dict]:
        """Final accuracies, the shape tables, the learned filters and one digit's feature maps."""
        cnn = models["cnn"]
        metrics: dict[str, float] = {}
        with torch.no_grad():
            for m in MODELS:
                logits = models[m](x_test)
                metrics[f"{m}_test_acc"] = float(accuracy(logits, y_test))
                metrics[f"{m}_test_loss"] = float(F.cross_entropy(logits, y_test))
                metrics[f"{m}_params"] = float(parameter_count(models[m]))

        # The shape table comes from the formulas; a real forward pass must agree with it.
        tables = {m: shape_table(models[m], (1, 8, 8)) for m in MODELS}
        matches = all(
            [row.shape for row in tables[m]] == traced_shapes(models[m], x_test[:1]) for m in MODELS
        ) and all(sum(row.parameters for row in tables[m]) == parameter_count(models[m]) for m in MODELS)
        metrics["shape_table_matches_forward"] = float(matches)

        # Follow the first test image of the chosen digit through the CNN, layer by layer.
        index = int((y_test == digit).nonzero()[0, 0])
        maps = {"input": x_test[index, 0].cpu().numpy()}
        with torch.no_grad():
            h = x_test[index : index + 1]
            for name, layer in cnn.named_children():
                h = layer(h)
                if name in ("relu1", "pool1", "relu2", "pool2"):
                    maps[name] = h[0].cpu().numpy()
            probabilities = torch.softmax(h[0], dim=-1)
        metrics["traced_digit_label"] = float(digit)
        metrics["traced_digit_prediction"] = float(probabilities.argmax())
        metrics["traced_digit_confidence"] = float(probabilities.max())

        data = {
            "tables": {m: [(r.name, r.kind, r.shape, r.parameters) for r in tables[m]] for m in MODELS},
            "filters": cnn.conv1.weight.detach()[:, 0].cpu().numpy(),  # (filters1, 3, 3)
            "feature_maps": maps,
        }
        return metrics, data

    @staticmethod
    def _convolve_photo(p: Mapping[str, Value], device: torch.device) -> tuple[dict[str, float], dict]:
        """Slide the chosen kernel over the photo; compare the formula with torch's output shape."""
        image = grayscale_photo(str(p["photo"])).to(device)
        kernel = kernel_tensor(str(p["kernel"])).to(device)
        k, s, pad = kernel.shape[-1], int(p["stride"]), int(p["padding"])
        h, w = image.shape[-2:]
        if h + 2 * pad < k or w + 2 * pad < k:  # cannot happen with the bundled photos
            raise ParamError(f"kernel: a {k}×{k} kernel does not fit in the {h}×{w} photo")
        predicted = (conv2d_output_size(h, k, s, pad), conv2d_output_size(w, k, s, pad))
        output = F.conv2d(image, kernel, stride=s, padding=pad)  # zero padding, like nn.Conv2d
        actual = tuple(output.shape[-2:])
        metrics = {
            "photo_in_h": float(h), "photo_in_w": float(w), "kernel_size": float(k),
            "formula_out_h": float(predicted[0]), "formula_out_w": float(predicted[1]),
            "torch_out_h": float(actual[0]), "torch_out_w": float(actual[1]),
            "formula_matches_torch": float(predicted == actual),
        }
        data = {"input": image[0, 0].cpu().numpy(), "output": output[0, 0].cpu().numpy(),
                "kernel": kernel[0, 0].cpu().numpy(), "stride": s, "padding": pad}
        return metrics, data

    @staticmethod
    def _summary(m: Mapping[str, float], steps: int) -> T:
        cnn_acc, mlp_acc = 100 * m["cnn_test_acc"], 100 * m["mlp_test_acc"]
        cnn_n, mlp_n = int(m["cnn_params"]), int(m["mlp_params"])
        check = "matches" if m["formula_matches_torch"] else "does NOT match"
        check_ko = "일치합니다" if m["formula_matches_torch"] else "일치하지 않습니다"
        shape = f"{int(m['torch_out_h'])}×{int(m['torch_out_w'])}"
        return T(
            f"After the same {steps} steps on the same batches, the CNN ({cnn_n:,} parameters) "
            f"reached {cnn_acc:.1f}% test accuracy and the MLP ({mlp_n:,} parameters) {mlp_acc:.1f}%; "
            f"on the photo the output-size formula {check} PyTorch's {shape}.",
            f"같은 배치로 똑같이 {steps} 스텝 학습한 뒤 CNN(파라미터 {cnn_n:,}개)의 테스트 정확도는 "
            f"{cnn_acc:.1f}%, MLP(파라미터 {mlp_n:,}개)는 {mlp_acc:.1f}%입니다. 사진에서는 출력 크기 "
            f"공식이 PyTorch의 {shape}와 {check_ko}.",
        )

    # -- benchmark hook: the same comparison written the plain way ----------------------------

    def reference(self, params: Mapping[str, Value], *, device: torch.device, seed: int) -> Result:
        """The CNN-vs-MLP comparison the obvious way: a DataLoader, one model after the other,
        each with its own torch.optim.Adam, a loss.item() logged every step."""
        p = resolve_params(self.params, params)
        generator = seed_everything(seed)
        x_train, y_train, x_test, y_test = split_digit_images(generator, device)
        steps = int(p["steps"])
        models = build_models(int(p["filters1"]), int(p["filters2"]), seed)
        # The loader's shuffling continues the same generator the fast path draws its batches from.
        loader = DataLoader(TensorDataset(x_train, y_train), batch_size=BATCH_SIZE,
                            sampler=RandomSampler(range(len(x_train)), generator=generator))
        shuffle_state = generator.get_state()

        metrics: dict[str, float] = {}
        for name in MODELS:
            model = models[name].to(device)
            generator.set_state(shuffle_state)  # both models see the same batches
            optimizer = torch.optim.Adam(model.parameters(), lr=float(p["lr"]))
            losses, step = [], 0
            while step < steps:
                for x, y in loader:
                    loss = F.cross_entropy(model(x), y)
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    losses.append(loss.item())
                    step += 1
                    if step == steps:
                        break
            model.eval()
            with torch.no_grad():
                logits = model(x_test)
                metrics[f"{name}_test_acc"] = float(accuracy(logits, y_test))
                metrics[f"{name}_test_loss"] = float(F.cross_entropy(logits, y_test))
            metrics[f"{name}_params"] = float(parameter_count(model))
        summary = T(
            f"Reference: CNN {100 * metrics['cnn_test_acc']:.1f}%, MLP {100 * metrics['mlp_test_acc']:.1f}% test accuracy.",
            f"기준 구현: 테스트 정확도 CNN {100 * metrics['cnn_test_acc']:.1f}%, MLP {100 * metrics['mlp_test_acc']:.1f}%.",
        )
        return Result(metrics=metrics, data={}, summary=summary)

    def agrees_with_reference(self, fast: Result, reference: Result) -> tuple[bool, str]:
        """Same parameter counts; test accuracies within 2 points for both models."""
        problems = []
        for m in MODELS:
            if fast.metrics[f"{m}_params"] != reference.metrics[f"{m}_params"]:
                problems.append(f"{NAMES[m]} parameter counts differ")
            a, b = fast.metrics[f"{m}_test_acc"], reference.metrics[f"{m}_test_acc"]
            if abs(a - b) > AGREEMENT_POINTS:
                problems.append(f"{NAMES[m]} test accuracy {a:.3f} vs {b:.3f}")
        if problems:
            return False, "; ".join(problems)
        gaps = ", ".join(
            f"{NAMES[m]} {abs(fast.metrics[f'{m}_test_acc'] - reference.metrics[f'{m}_test_acc']) * 100:.1f}"
            for m in MODELS
        )
        return True, f"same parameter counts; test accuracies agree within 2 points (gaps: {gaps})"

    # -- figures ------------------------------------------------------------------------------

    def figures(self, result: Result, lang: str) -> list[go.Figure]:
        return [
            self._accuracy_figure(result, lang),
            self._shape_figure(result, lang),
            self._filters_figure(result, lang),
            self._feature_maps_figure(result, lang),
            self._photo_figure(result, lang),
        ]

    @staticmethod
    def _accuracy_figure(result: Result, lang: str) -> go.Figure:
        m = result.metrics
        fig = make_subplots(
            rows=1, cols=2, column_widths=[0.65, 0.35],
            subplot_titles=(T("Test accuracy while training", "학습 중 테스트 정확도")(lang),
                            T("Parameters", "파라미터 수")(lang)),
        )
        steps, acc = result.data["eval_steps"], result.data["test_acc"]
        for i, model in enumerate(MODELS):
            fig.add_trace(go.Scatter(x=steps, y=100 * acc[:, i], name=NAMES[model],
                                     line={"color": COLORS[model]}), row=1, col=1)
        fig.add_trace(go.Bar(
            x=[NAMES[x] for x in MODELS], y=[m[f"{x}_params"] for x in MODELS],
            marker_color=[COLORS[x] for x in MODELS], showlegend=False,
            text=[f"{int(m[f'{x}_params']):,}" for x in MODELS], textposition="outside",
        ), row=1, col=2)
        fig.update_xaxes(title_text=T("step", "스텝")(lang), row=1, col=1)
        fig.update_yaxes(title_text=T("test accuracy (%)", "테스트 정확도 (%)")(lang), row=1, col=1)
        fig.update_layout(
            title=T(f"Same batches, same budget: CNN {100 * m['cnn_test_acc']:.1f}% vs "
                    f"MLP {100 * m['mlp_test_acc']:.1f}%",
                    f"같은 배치, 같은 학습량: CNN {100 * m['cnn_test_acc']:.1f}% 대 "
                    f"MLP {100 * m['mlp_test_acc']:.1f}%")(lang),
            height=400, margin={"t": 70, "b": 40},
        )
        return fig

    @staticmethod
    def _shape_figure(result: Result, lang: str) -> go.Figure:
        rows = result.data["tables"]["cnn"]
        total = sum(r[3] for r in rows)
        header = [T("layer", "층")(lang), T("type", "종류")(lang),
                  T("output shape (C×H×W)", "출력 모양 (C×H×W)")(lang), T("parameters", "파라미터 수")(lang)]
        cells = [
            [r[0] for r in rows] + [T("total", "합계")(lang)],
            [r[1] for r in rows] + [""],
            ["×".join(map(str, r[2])) for r in rows] + [""],
            [f"{r[3]:,}" for r in rows] + [f"{total:,}"],
        ]
        fig = go.Figure(go.Table(header={"values": header, "align": "left"},
                                 cells={"values": cells, "align": "left"}))
        ok = result.metrics["shape_table_matches_forward"] == 1.0
        check = (T("matches a real forward pass", "실제 순전파 결과와 일치") if ok
                 else T("does NOT match the forward pass", "순전파 결과와 불일치"))(lang)
        fig.update_layout(
            title=T(f"CNN shapes from out = ⌊(H + 2P − K)/S⌋ + 1 ({check})",
                    f"공식 out = ⌊(H + 2P − K)/S⌋ + 1 로 구한 CNN 모양 ({check})")(lang),
            height=60 + 28 * (len(rows) + 2), margin={"t": 50, "b": 10},
        )
        return fig

    @staticmethod
    def _filters_figure(result: Result, lang: str) -> go.Figure:
        filters = result.data["filters"]
        count = len(filters)
        cols = min(count, 8)
        rows = -(-count // cols)
        fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"#{i + 1}" for i in range(count)],
                            horizontal_spacing=0.02, vertical_spacing=0.08)
        limit = float(np.abs(filters).max()) or 1.0  # one symmetric colour scale: 0 is white
        for i, kernel in enumerate(filters):
            fig.add_trace(go.Heatmap(z=kernel, zmin=-limit, zmax=limit, colorscale="RdBu_r",
                                     showscale=i == 0, texttemplate="%{z:.2f}"),
                          row=i // cols + 1, col=i % cols + 1)
        fig.update_xaxes(showticklabels=False)
        fig.update_yaxes(showticklabels=False, autorange="reversed")
        fig.update_layout(
            title=T("Learned 3×3 filters of the first convolution layer (red +, blue −)",
                    "첫 번째 합성곱층이 학습한 3×3 필터 (빨강 +, 파랑 −)")(lang),
            height=140 + 120 * rows, margin={"t": 70, "b": 10},
        )
        return fig

    @staticmethod
    def _feature_maps_figure(result: Result, lang: str) -> go.Figure:
        maps, m = result.data["feature_maps"], result.metrics
        stages = [
            ("input", T("input", "입력")),
            ("relu1", T("conv1 + ReLU", "conv1 + ReLU")),
            ("pool1", T("max-pool 1", "최대 풀링 1")),
            ("relu2", T("conv2 + ReLU", "conv2 + ReLU")),
            ("pool2", T("max-pool 2", "최대 풀링 2")),
        ]
        cols = max(min(maps[name].shape[0], MAX_MAPS_SHOWN) for name, _ in stages[1:])
        fig = make_subplots(rows=len(stages), cols=cols, horizontal_spacing=0.01, vertical_spacing=0.03,
                            row_titles=[label(lang) for _, label in stages])
        for r, (name, _) in enumerate(stages, start=1):
            channels = maps[name][None] if name == "input" else maps[name][:MAX_MAPS_SHOWN]
            for c, channel in enumerate(channels, start=1):
                # White is 0 (after ReLU nothing is negative), black the map's own maximum;
                # a channel that stays all white is a filter this digit does not activate.
                top = max(float(channel.max()), 1e-6)
                fig.add_trace(go.Heatmap(z=channel, zmin=0.0, zmax=top, colorscale="gray_r", showscale=False),
                              row=r, col=c)
        fig.update_xaxes(showticklabels=False)
        fig.update_yaxes(showticklabels=False, autorange="reversed")
        digit, pred = int(m["traced_digit_label"]), int(m["traced_digit_prediction"])
        conf = 100 * m["traced_digit_confidence"]
        fig.update_layout(
            title=T(f"One test image of a {digit} after each layer (first {MAX_MAPS_SHOWN} channels; "
                    f"the CNN says {pred}, {conf:.0f}% sure)",
                    f"숫자 {digit}의 테스트 이미지 하나가 각 층을 지난 모습 (채널 최대 {MAX_MAPS_SHOWN}개; "
                    f"CNN의 예측 {pred}, 확신도 {conf:.0f}%)")(lang),
            height=560, margin={"t": 70, "b": 10},
        )
        return fig

    @staticmethod
    def _photo_figure(result: Result, lang: str) -> go.Figure:
        photo, m = result.data["photo"], result.metrics
        h, w, k = int(m["photo_in_h"]), int(m["photo_in_w"]), int(m["kernel_size"])
        s, pad = photo["stride"], photo["padding"]
        fig = make_subplots(
            rows=1, cols=2,
            subplot_titles=(T(f"input {h}×{w}", f"입력 {h}×{w}")(lang),
                            T(f"output {int(m['torch_out_h'])}×{int(m['torch_out_w'])}",
                              f"출력 {int(m['torch_out_h'])}×{int(m['torch_out_w'])}")(lang)),
        )
        fig.add_trace(go.Heatmap(z=photo["input"], colorscale="gray", showscale=False), row=1, col=1)
        fig.add_trace(go.Heatmap(z=photo["output"], colorscale="gray", showscale=False), row=1, col=2)
        # Square pixels, and no grid around the pictures.
        fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
        fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed",
                         constrain="domain")
        fig.update_yaxes(scaleanchor="x", row=1, col=1)
        fig.update_yaxes(scaleanchor="x2", row=1, col=2)
        ok = m["formula_matches_torch"] == 1.0
        mark = "✓" if ok else "✗"
        formula = (f"⌊({h} + 2·{pad} − {k})/{s}⌋ + 1 = {int(m['formula_out_h'])}, "
                   f"⌊({w} + 2·{pad} − {k})/{s}⌋ + 1 = {int(m['formula_out_w'])}")
        fig.update_layout(
            title=T(f"{k}×{k} kernel, stride {s}, padding {pad}: {formula} {mark} PyTorch",
                    f"{k}×{k} 커널, 스트라이드 {s}, 패딩 {pad}: {formula} {mark} PyTorch")(lang),
            height=380, margin={"t": 70, "b": 10},
        )
        return fig


DEMO = CnnDemo()
