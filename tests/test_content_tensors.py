"""Every number and every PyTorch behaviour the tensors topic states is measured here, with
torch itself or with the tensors demo, and the text is checked to still say it."""

from __future__ import annotations

import importlib.util
import math
import warnings
from functools import lru_cache

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

from demos.generators import GENERATORS
from demos.tensors import DEMO
from studyapp.content import load_content
from tests.conftest import ROOT
from tests.content_text import strings_of

CONTENT = load_content(ROOT / "content")
TOPIC = CONTENT.topic("tensors")
MOVED_CARDS = {"torch-tensor", "autograd", "nn-module", "pytorch"}
MOVED_QUESTIONS = {"basics-q-strides", "basics-q-transpose-copy", "basics-q-grad-accumulates",
                   "basics-q-module-list", "basics-q-device-mismatch"}


def texts(item) -> str:
    """Every English string of a card or question, joined with single spaces."""
    found = strings_of(item, "en")
    return " ".join(" ".join(found).split())


def card(card_id: str) -> str:
    return texts(next(c for c in CONTENT.cards() if c.id == card_id))


def question(question_id: str) -> str:
    return texts(next(q for q in CONTENT.questions() if q.id == question_id))


def shown(values) -> str:
    """A shape or stride as the text writes it: (4, 1), (10,)."""
    values = tuple(values)
    return "(" + ", ".join(map(str, values)) + ("," if len(values) == 1 else "") + ")"


@lru_cache(maxsize=None)
def demo(**params):
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return DEMO.run(params, device=torch.device("cpu"), seed=0)
    finally:
        torch.set_num_threads(before)


def shares(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def test_the_topic_follows_basics_and_holds_the_moved_cards_and_questions():
    assert TOPIC.order == 7 and TOPIC.demos == ["tensors"]
    assert CONTENT.topic("basics").order < TOPIC.order < CONTENT.topic("overfitting").order
    assert MOVED_CARDS <= {c.id for c in TOPIC.cards}
    assert MOVED_QUESTIONS <= {q.id for q in TOPIC.questions}
    basics = CONTENT.topic("basics")
    assert not MOVED_CARDS & {c.id for c in basics.cards}
    assert "training-loop" in {c.id for c in basics.cards}
    assert "next topic" in basics.summary.en and "nn.Module" not in basics.summary.en


# --- layout: shape, stride, offset, views and copies --------------------------------------------


def test_strides_and_offsets_the_cards_state():
    x = torch.arange(12).reshape(3, 4)
    assert x.stride() == (4, 1) and x[1:].storage_offset() == 4
    assert x.t().shape == (4, 3) and x.t().stride() == (1, 4) and shares(x.t(), x)
    six = torch.arange(6)
    assert six.reshape(2, 3).stride() == (3, 1) and six.reshape(3, 2).stride() == (2, 1)
    text = card("tensor-stride")
    for piece in (f"stride {shown(x.stride())}", f"x[1:] starts at offset {x[1:].storage_offset()}",
                  f"shape (2, 3) have stride {shown(six.reshape(2, 3).stride())}",
                  f"shape (3, 2), stride {shown(six.reshape(3, 2).stride())}"):
        assert piece in text
    assert "shape (4, 3) and stride (1, 4)" in card("tensor-view")
    assert "has stride (1, 4): not contiguous" in card("tensor-contiguous")
    # the moved question on strides
    assert "(4, 1)" in question("basics-q-strides")


def test_numpy_counts_strides_in_bytes():
    array = np.arange(12, dtype=np.int64).reshape(3, 4)
    assert array.strides == (32, 8) and torch.from_numpy(array).stride() == (4, 1)
    assert "(4, 1) in PyTorch and (32, 8) in NumPy" in card("tensor-stride")


def test_the_basic_tensor_example():
    z = torch.zeros(2, 3, 4)
    assert z.numel() == 24 and z.dtype == torch.float32 and z.device.type == "cpu"
    assert "24 elements, dtype float32 and device cpu" in card("torch-tensor")


def test_views_copies_and_the_write_through():
    x = torch.arange(12).reshape(3, 4)
    y = x.t()
    y[0, 1] = 100
    assert x[1, 0] == 100 and "y[0, 1] = 100 also sets x[1, 0]" in card("tensor-view")
    x = torch.arange(12).reshape(4, 3)
    assert not shares(x[[0, 2]], x) and shares(x[0:3:2], x) and shares(x.view(3, 4), x)
    assert torch.equal(x[[0, 2]], x[0:3:2]) and x.view(3, 4).stride() == (4, 1)
    assert "new strides (4, 1)" in question("tensors-q-odd-copy")
    x = torch.arange(12).reshape(3, 4)
    assert shares(x.transpose(-2, -1), x) and not shares(x.transpose(-2, -1).contiguous(), x)
    assert x.contiguous() is x  # "the tensor itself when it already is"
    assert torch.stack([x, x]).stride()[0] == 12 and x.repeat(2, 1, 1).stride()[0] == 12
    assert x.unsqueeze(0).expand(2, 3, 4).stride()[0] == 0


def test_contiguity_and_the_view_error_message():
    x = torch.arange(12).reshape(3, 4)
    with pytest.raises(RuntimeError) as raised:
        x.t().view(-1)
    message = str(raised.value)
    assert "view size is not compatible with input tensor's size and stride" in message
    assert "Use .reshape(...) instead." in message
    text = card("tensor-contiguous")
    assert "view size is not compatible with input tensor's size and stride ... Use .reshape(...) instead." in text
    flat = x.t().reshape(-1)
    assert flat.tolist() == x.t().contiguous().view(-1).tolist() and not shares(flat, x)
    assert "copy " + ", ".join(map(str, flat.tolist())) in text
    assert "+4, +4, −7" in question("tensors-q-predict-reshape") and flat[:4].diff().tolist() == [4, 4, -7]
    assert torch.empty(3).as_strided((3, 1), (1, 7)).is_contiguous()
    assert "a (3, 1) tensor with strides (1, 7) is still contiguous" in text
    # the fixes the question offers
    assert torch.equal(x.t().contiguous().view(-1), flat)
    with pytest.raises(RuntimeError):
        x.t().view(-1).contiguous()
    assert x.view(-1).t().tolist() == list(range(12))  # untransposed order


def test_broadcasting_examples():
    assert (torch.zeros(32, 10) + torch.zeros(10)).shape == (32, 10)
    assert (torch.zeros(3, 1) + torch.zeros(1, 4)).shape == (3, 4)
    assert (torch.zeros(3, 4) + torch.zeros(1)).shape == (3, 4)
    with pytest.raises(RuntimeError):
        torch.zeros(3, 4) + torch.zeros(3)
    n = 5
    with pytest.warns(UserWarning, match="target size"):
        nn.MSELoss()(torch.zeros(n, 1), torch.zeros(n))
    assert (torch.zeros(n, 1) - torch.zeros(n)).shape == (n, n)
    b = torch.zeros(10, requires_grad=True)
    (torch.randn(32, 10) + b).sum().backward()
    assert b.grad.shape == (10,)
    assert "b.grad has b's shape (10,)" in card("tensor-broadcasting")
    assert "(3, 4) + (3,) fails" in card("tensor-broadcasting")


def test_dtype_device_facts():
    assert torch.tensor([1, 2]).dtype == torch.int64 and torch.tensor([1., 2.]).dtype == torch.float32
    assert torch.get_default_dtype() == torch.float32
    x = torch.zeros(3)
    assert x.to(torch.float32) is x and x.to("cpu") is x and x.to(torch.float64) is not x
    model = nn.Linear(2, 2)
    weight = model.weight
    assert model.to(torch.float64) is model and model.weight is weight  # modules move in place
    text = card("dtype-device")
    assert "torch.tensor([1, 2]) is int64" in text and "torch.tensor([1., 2.]) is float32" in text


# --- autograd -----------------------------------------------------------------------------------


def test_the_graph_of_the_card_example():
    result = demo(expression="sin(x)*y + x**2")
    names = sorted(n["name"].split("::")[-1] for n in result.data["nodes"].values())
    assert names == sorted(["SumBackward0", "AddBackward0", "MulBackward0", "PowBackward0", "SinBackward0",
                            "AccumulateGrad", "AccumulateGrad"])
    m = result.metrics
    assert f"{int(m['graph_nodes'])} nodes and {int(m['graph_edges'])} edges" in card("computation-graph")
    assert m["graph_nodes"] == 7 and m["graph_edges"] == 7


def test_backward_twice_through_a_freed_graph_raises_the_quoted_error():
    x = torch.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_accumulated_gradients_of_the_autograd_example():
    once = GENERATORS["accumulated-grad"](value=2, power=3, calls=1)
    twice = GENERATORS["accumulated-grad"](value=2, power=3, calls=2)
    assert (once, twice) == (12, 24)
    assert f"x.grad = {once:g}" in card("autograd") and f"makes it {twice:g}" in card("autograd")


def test_leaves_grad_fn_and_retain_grad():
    w = torch.randn(3, requires_grad=True)
    y = w * 2
    assert w.is_leaf and w.grad_fn is None and not y.is_leaf and type(y.grad_fn).__name__ == "MulBackward0"
    y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a non-leaf's .grad warns
        assert y.grad is None
    assert w.grad.tolist() == [2., 2., 2.] and "w.grad is tensor([2., 2., 2.]) and y.grad is None" in card("leaf-tensor")
    moved = torch.randn(3, requires_grad=True).to(torch.float64)  # a tracked copy, like .to("cuda")
    assert not moved.is_leaf
    assert nn.Linear(3, 2).weight.is_leaf and torch.randn(8, 3).is_leaf
    assert not (w * 2).is_leaf and not (w * 2).sum().is_leaf


def test_no_grad_and_detach():
    w = torch.randn(3, requires_grad=True)
    with torch.no_grad():
        z = w * 3
    assert not z.requires_grad and z.grad_fn is None
    with pytest.raises(RuntimeError):
        z.sum().backward()
    d = w.detach()
    assert shares(d, w)
    assert "z.requires_grad False and z.grad_fn None" in card("no-grad")


def test_gradient_check_numbers_come_from_the_demo():
    default = demo()
    float32 = demo(dtype="float32", fd_step=1e-6)
    text = card("gradient-check")
    assert f"relative error of {default.metrics['max_rel_error']:.1e}" in text
    assert f"the error grows to {float32.metrics['max_rel_error']:.1e}" in text
    assert 1e-11 < default.metrics["max_rel_error"] < 1e-9  # "errors near 1e-10"
    assert "errors near 1e-10" in question("tensors-q-predict-float32")
    eps = torch.finfo(torch.float32).eps
    assert f"about {eps:.1e}".replace("e-07", "e-7") in text and torch.tensor(1.0) + 1e-8 == torch.tensor(1.0)
    assert round(24 * math.log10(2)) == 7 and round(53 * math.log10(2)) == 16
    assert "about 7 significant digits" in text and "float64's 16 digits" in question("tensors-q-gradcheck-float64")
    assert 1e-7 / 2e-6 == pytest.approx(0.05)  # "a few percent of a gradient near 1"


# --- building blocks and the library ------------------------------------------------------------


def test_loss_targets_and_optimizer_lines():
    ce = nn.CrossEntropyLoss()
    assert ce(torch.randn(4, 3), torch.tensor([0, 2, 1, 1])).ndim == 0
    with pytest.raises(RuntimeError, match="expected target dtype to be Long"):
        ce(torch.randn(4, 3), torch.tensor([0., 2., 1., 1.]))
    model = nn.Linear(2, 2)
    torch.optim.SGD(model.parameters(), lr=0.01)
    with pytest.raises(TypeError, match="'Linear' object is not iterable"):
        torch.optim.SGD(model, lr=0.01)
    with pytest.raises(TypeError, match="'method' object is not iterable"):
        torch.optim.SGD(model.parameters, lr=0.01)
    with pytest.raises(TypeError, match="str"):
        torch.optim.SGD(model.state_dict(), lr=0.01)
    text = question("tensors-q-optimizer-line")
    assert "'Linear' object is not iterable" in text and "'method' object is not iterable" in text


def test_dataloader_batches_of_the_card_example():
    full, dropped = len(DataLoader(range(1000), batch_size=32)), len(DataLoader(range(1000), batch_size=32,
                                                                                drop_last=True))
    last = 1000 - dropped * 32
    assert (full, dropped, last) == (32, 31, 8)
    assert f"gives {full} batches per epoch: {dropped} full ones and a last one of {last}" in card(
        "dataset-dataloader")
    assert f"With drop_last=True, {dropped}." in card("dataset-dataloader")


def test_library_facts_the_cards_state():
    # torch.utils.bottleneck is gone from the PyTorch this app runs
    assert importlib.util.find_spec("torch.utils.bottleneck") is None
    assert "torch.utils.bottleneck" in card("pytorch-packages")
    # TorchScript warns that it is deprecated and names its successors
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.jit.script(nn.Linear(2, 2))
    said = " ".join(str(w.message) for w in caught)
    assert "deprecated" in said and "torch.compile" in said and "torch.export" in said
    # the node names the engine card and the ordering question use
    a, b = torch.randn(2, 2, requires_grad=True), torch.randn(2, 2)
    assert type(torch.mm(a, b).grad_fn).__name__ == "MmBackward0"
    assert "MmBackward0" in card("pytorch-engine")
    # oneDNN (MKL-DNN) and MKL are what this build of PyTorch uses on the CPU
    config = torch.__config__.show()
    assert "MKL" in config or "OpenBLAS" in config


def test_the_demo_is_described_where_the_cards_point_to_it():
    assert "stride explorer" in card("tensor-stride")
    assert "demo" in card("define-by-run") and "demo" in card("gradient-check")
