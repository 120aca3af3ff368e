"""Convolutional neural networks: what weight sharing buys, and what a convolution does.

Part 1 trains a small LeNet-style CNN on real 8x8 handwritten digits,

    1x8x8 -> conv 3x3 -> ReLU -> max-pool 2x2 -> conv 3x3 -> ReLU -> max-pool 2x2
          -> flatten -> fully connected -> ReLU -> fully connected -> 10 class scores,

and, on the same batches, an MLP with about as many parameters. On the centred test digits
both do well. Then every test digit is moved by a pixel or two. The MLP has one weight per
pixel, so a moved stroke lands on weights that never saw it. The CNN slides the same small
filters over every position (weight sharing) and max-pooling shrugs off small moves, so it
keeps clearly more of its accuracy. Neither model ever saw a moved digit while training.

Part 2 slides a classic hand-made kernel over a real photo with the stride and padding you
choose; the output is floor((H + 2P - K) / S) + 1 pixels high.

Run it on its own:  python lesson.py
"""

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import sample_photos, split_digits

PHOTOS = ("temple", "flower")  # the order of demos.data.sample_photos()
# Kernels people designed by hand; a CNN learns numbers like these from data instead.
KERNELS = {
    "edge": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],  # Laplacian: 0 on flat areas
    "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],  # left-right change: vertical edges
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],  # top-bottom change: horizontal edges
    "blur": (torch.outer(torch.tensor([1.0, 4, 6, 4, 1]), torch.tensor([1.0, 4, 6, 4, 1]))
             / 256).tolist(),  # 5x5 Gaussian: a weighted average, weights sum to 1
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],  # the pixel plus its local contrast
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],  # bright where brightness rises
}


def make_cnn(filters1: int, filters2: int) -> nn.Sequential:
    # padding=1 keeps a 3x3 convolution from shrinking the image; the poolings halve it: 8, 4, 2.
    return nn.Sequential(
        nn.Conv2d(1, filters1, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(filters1, filters2, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(filters2 * 2 * 2, 32), nn.ReLU(), nn.Linear(32, 10),
    )


def make_mlp(parameters: int) -> nn.Sequential:
    # 64 pixels -> h -> 10 has 65h + 10(h + 1) = 75h + 10 parameters: pick h to match the CNN.
    hidden = max(1, round((parameters - 10) / 75))
    return nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def move(images: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    """Images moved dx pixels right and dy down; what comes in at the edge is blank (0)."""
    padded = F.pad(images, (3, 3, 3, 3))  # room for moves of up to 3 pixels
    return padded[:, :, 3 - dy:11 - dy, 3 - dx:11 - dx]


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, shift: int = 0) -> float:
    """Share of test digits classified right, averaged over moves left, right, up and down."""
    moves = [(shift, 0), (-shift, 0), (0, shift), (0, -shift)] if shift else [(0, 0)]
    model.eval()
    with torch.no_grad():
        x_all = torch.cat([move(x, dx, dy) for dx, dy in moves])
        return (model(x_all).argmax(1) == y.repeat(len(moves))).float().mean().item()


def convolve_photo(photo: str, kernel: str, stride: int, padding: int):
    """Part 2: one hand-made kernel slid over a grayscale photo, as a Conv2d layer does it."""
    rgb = torch.tensor(sample_photos()[PHOTOS.index(photo)], dtype=torch.float32) / 255
    gray = rgb @ torch.tensor([0.299, 0.587, 0.114])  # luma: the eye sees green best
    image = F.avg_pool2d(gray[None, None], 4)  # (1, 1, 106, 160): a quarter of each side
    weights = torch.tensor(KERNELS[kernel], dtype=torch.float32)[None, None]  # (out, in, K, K)
    out = F.conv2d(image, weights, stride=stride, padding=padding)  # zero padding
    return image[0, 0], weights[0, 0], out[0, 0]


def train(steps=400, lr=1e-2, filters1=6, filters2=16, shift=1, digit=7, photo="temple",
          kernel="edge", stride=1, padding=0, *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    torch.manual_seed(seed)
    x_train, y_train, x_test, y_test = split_digits(test_size=360, seed=seed, images=True)
    x_train, y_train = x_train.to(device), y_train.to(device)
    x_test, y_test = x_test.to(device), y_test.to(device)

    cnn = make_cnn(filters1, filters2).to(device)
    models = {"cnn": cnn, "mlp": make_mlp(sum(p.numel() for p in cnn.parameters())).to(device)}
    optimizers = {name: torch.optim.Adam(m.parameters(), lr=lr) for name, m in models.items()}

    # Mini-batches of 64 digits, a fresh shuffle each epoch; both models get the same ones.
    batches = []
    while len(batches) < steps:
        batches += torch.randperm(len(y_train), device=device).split(64)
    history = {"step": [], **{f"{m} {kind}": [] for m in models for kind in ("test", "moved")}}
    for step, rows in enumerate(batches[:steps], start=1):
        for name, model in models.items():
            model.train()
            loss = F.cross_entropy(model(x_train[rows]), y_train[rows])
            optimizers[name].zero_grad()
            loss.backward()
            optimizers[name].step()
        if step % max(1, steps // 20) == 0 or step == steps:
            history["step"].append(step)
            for name, model in models.items():
                history[f"{name} test"].append(accuracy(model, x_test, y_test))
                history[f"{name} moved"].append(accuracy(model, x_test, y_test, shift))
            if report(step, steps, {k: v[-1] for k, v in history.items() if k != "step"}):
                break  # the learner pressed Stop: judge what has been trained so far

    metrics, by_shift = {}, {}
    for name, model in models.items():
        by_shift[name] = [accuracy(model, x_test, y_test, s) for s in range(4)]
        metrics[f"{name}_test_acc"] = by_shift[name][0]
        metrics[f"{name}_shifted_acc"] = by_shift[name][shift]
        metrics[f"{name}_params"] = sum(p.numel() for p in model.parameters())

    # One test image of each class, centred and moved: what does each model call them?
    firsts = torch.stack([(y_test == d).nonzero()[0, 0] for d in range(10)])
    gallery = {"centred": x_test[firsts], "moved": move(x_test[firsts], shift, 0)}
    layers = []  # the CNN layer by layer: (layer, output shape, parameters, feature maps)
    with torch.no_grad():
        guesses = {f"{m} {k}": models[m](x).argmax(1).tolist() for m in models
                   for k, x in gallery.items()}
        h = gallery["centred"][digit:digit + 1]  # follow the `digit` through the CNN
        for layer in cnn:
            h = layer(h)
            layers.append((layer, tuple(h.shape[1:]), sum(p.numel() for p in layer.parameters()),
                           h[0].cpu().numpy() if h.dim() == 4 else None))
    metrics["cnn_digit_correct"] = float(guesses["cnn centred"][digit] == digit)

    picture, weights, out = convolve_photo(photo, kernel, stride, padding)
    metrics.update(photo_in_h=picture.shape[0], photo_in_w=picture.shape[1],
                   kernel_size=weights.shape[0], torch_out_h=out.shape[0], torch_out_w=out.shape[1])
    return {"metrics": metrics, "history": history, "by_shift": by_shift, "layers": layers,
            "filters": cnn[0].weight.detach()[:, 0].cpu().numpy(), "digit": digit, "shift": shift,
            "gallery": {k: x[:, 0].cpu().numpy() for k, x in gallery.items()}, "guesses": guesses,
            "photo": {"input": picture.numpy(), "kernel": weights.numpy(), "output": out.numpy(),
                      "stride": stride, "padding": padding}}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:20} {value:.3f}")
