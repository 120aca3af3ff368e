"""Every number the architectures topic states is computed here from the real definitions.

torchvision's models are built with weights=None on the "meta" device (demos/architectures.py):
nothing is downloaded and nothing is allocated. Each test formats the measured value the way the
topic writes it and checks that the text says exactly that; a sweep at the end fails on any
"million" or "billion" (만, 억) in the topic that no test computed.
"""

from __future__ import annotations

import re

import pytest
import torch
import torchvision.models as tvm
from torch import nn
from torchvision.models.resnet import BasicBlock, Bottleneck

from demos import architectures as A
from demos.generators import GENERATORS
from studyapp.content import load_content
from tests.conftest import ROOT

TOPIC = load_content(ROOT / "content").topic("architectures")


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def m():
    """Every architecture, measured once: name -> Measured."""
    return {r.name: r for r in A.comparison()}


def item(item_id: str):
    return next(x for x in [*TOPIC.cards, *TOPIC.questions] if x.id == item_id)


def texts(value, lang: str) -> str:
    """Every string of a card, question or topic in one language, joined by spaces."""
    found: list[str] = []

    def walk(v):
        if hasattr(v, "en") and hasattr(v, "ko"):
            found.append(v.get(lang))
        elif hasattr(type(v), "model_fields"):
            for name in type(v).model_fields:
                walk(getattr(v, name))
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)

    walk(value)
    return " ".join(" ".join(found).split())


def says(item_id: str, en: str, ko: str | None = None) -> None:
    assert en in texts(item(item_id), "en"), f"{item_id} should say {en!r}"
    if ko is not None:
        assert ko in texts(item(item_id), "ko"), f"{item_id} should say {ko!r}"


# How the topic writes numbers: one decimal of a million or a billion, or 만 and 억 in Korean.
def millions(n: float) -> str:
    return f"{n / 1e6:.1f} million"


def billions(n: float) -> str:
    return f"{n / 1e9:.1f} billion"


def ko(man: int) -> str:
    """A count of 만 (10^4) written the Korean way: 13840 -> '1억 3,840만'."""
    eok, rest = divmod(man, 10_000)
    return " ".join(([f"{eok}억"] if eok else []) + ([f"{rest:,}만"] if rest else []))


def ko_millions(n: float) -> str:  # to 0.1 million, as the English
    return ko(round(n / 1e5) * 10)


def ko_billions(n: float) -> str:  # to 0.1 billion
    return ko(round(n / 1e8) * 10_000)


def ko_whole_millions(n: float) -> str:  # 714 million -> 7억 1,400만
    return ko(round(n / 1e6) * 100)


def conv_weights(module: nn.Module) -> int:
    return sum(layer.weight.numel() for layer in module.modules() if isinstance(layer, nn.Conv2d))


def parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def meta(builder, **options):
    with torch.device("meta"):
        return builder(weights=None, **options)


# --- the measuring itself ---------------------------------------------------------------------


def test_meta_device_counts_match_a_real_model(m):
    # The meta device only skips the memory: a real ResNet-18 and LeNet-5 measure the same.
    for name in ("LeNet-5", "ResNet-18"):
        arch = next(a for a in A.ARCHITECTURES if a.name == name)
        assert A.measure(arch, device="cpu") == m[name]


def test_multiply_adds_are_counted_per_weight_use():
    conv = nn.Conv2d(3, 8, 3, padding=1, groups=1)
    assert A.multiply_adds(nn.Sequential(conv), (3, 10, 10)) == 10 * 10 * 8 * 3 * 9
    depthwise = nn.Conv2d(8, 8, 3, padding=1, groups=8)
    assert A.multiply_adds(nn.Sequential(depthwise, nn.Flatten(), nn.Linear(8 * 25, 4)), (8, 5, 5)) \
        == 5 * 5 * 8 * 1 * 9 + 8 * 25 * 4


def test_depth_is_the_number_in_the_name(m):
    for name, depth in {"VGG-16": 16, "VGG-19": 19, "ResNet-18": 18, "ResNet-34": 34, "ResNet-50": 50,
                        "ResNet-101": 101, "ResNet-152": 152, "AlexNet": 8, "LeNet-5": 5}.items():
        assert m[name].depth == depth, name


# --- the cards ----------------------------------------------------------------------------------


def test_lenet5(m):
    lenet = A.lenet5()
    fully_connected = sum(parameters(layer) for layer in lenet if isinstance(layer, nn.Linear))
    convs = [parameters(layer) for layer in lenet if isinstance(layer, nn.Conv2d)]
    assert (m["LeNet-5"].params, m["LeNet-5"].macs, m["LeNet-5"].depth) == (61_706, 416_520, 5)
    assert (fully_connected, convs, parameters(lenet[7])) == (59_134, [156, 2_416], 48_120)
    says("lenet-5", "LeNet-5 has 61,706 parameters and needs 416,520 multiply-adds", "61,706개")
    says("lenet-5", "fully connected layers of 120, 84 and 10 units: 5 weight layers", "가중치 층이 5개")
    says("lenet-5", "hold 59,134 of the parameters", "59,134개가")
    says("arch-q-lenet-params", "LeNet-5's 61,706 parameters")
    says("arch-q-lenet-params", "59,134 of the 61,706", "59,134개")
    says("arch-q-lenet-params", "156 + 2,416 parameters", "156 + 2,416개")
    says("arch-q-lenet-params", "holds 48,120", "48,120개")
    assert lenet(torch.zeros(1, 1, 32, 32)).shape == (1, 10)
    assert lenet[7].in_features == 16 * 5 * 5  # "16×5×5 flattens to 400"


def test_alexnet(m):
    alexnet = meta(tvm.alexnet)
    convs = [x for x in alexnet.modules() if isinstance(x, nn.Conv2d)]
    linears = [x for x in alexnet.modules() if isinstance(x, nn.Linear)]
    assert (len(convs), len(linears)) == (5, 3)
    assert sum(parameters(x) for x in linears) > 0.5 * m["AlexNet"].params  # "most of them"
    says("alexnet", f"has {millions(m['AlexNet'].params)} parameters", ko_millions(m["AlexNet"].params))
    says("alexnet", f"needs {round(m['AlexNet'].macs / 1e6)} million multiply-adds",
         ko_whole_millions(m["AlexNet"].macs))
    says("alexnet", "(8 weight layers)", "가중치 층 8개")
    assert 950 < m["AlexNet"].params / m["LeNet-5"].params < 1050
    says("alexnet", "about a thousand times larger", "약 천 배")


def test_vgg(m):
    vgg16, vgg19 = m["VGG-16"], m["VGG-19"]
    says("vgg", f"VGG-16 has {millions(vgg16.params)} parameters and needs {billions(vgg16.macs)}",
         f"VGG-16은 파라미터가 {ko_millions(vgg16.params)} 개이고 이미지 하나에 곱셈-누산이 {ko_billions(vgg16.macs)}")
    says("vgg", f"VGG-19 {millions(vgg19.params)} and {billions(vgg19.macs)}",
         f"VGG-19는 {ko_millions(vgg19.params)} 개와 {ko_billions(vgg19.macs)}")
    says("arch-q-vgg-variants", f"only {millions(vgg19.params - vgg16.params)} more parameters",
         ko_millions(vgg19.params - vgg16.params))
    blocks = {}
    for name, builder in (("16", tvm.vgg16), ("19", tvm.vgg19)):
        model = meta(builder)
        counts, convs = [], 0
        for layer in model.features:
            if isinstance(layer, nn.Conv2d):
                assert layer.kernel_size == (3, 3) and layer.stride == (1, 1) and layer.padding == (1, 1)
                convs += 1
            elif isinstance(layer, nn.MaxPool2d):
                counts.append(convs)
                convs = 0
        blocks[name] = (counts, [tuple(p.shape) for p in model.classifier.parameters()])
    assert blocks["16"][0] == [2, 2, 3, 3, 3] and blocks["19"][0] == [2, 2, 4, 4, 4]  # five blocks
    assert blocks["16"][1] == blocks["19"][1]  # the same fully connected layers
    says("vgg", "VGG-16 has 13 convolution layers, VGG-19 16", "VGG-16의 합성곱층은 13개")
    says("arch-q-vgg-variants", "(13 to 16 convolutions)", "합성곱 13개에서 16개로")
    # "Most of VGG's computation is in the convolutions, most of its parameters in the fully
    # connected layers" (a fully connected layer uses each weight once per image).
    linears = [x for x in meta(tvm.vgg16).modules() if isinstance(x, nn.Linear)]
    assert sum(parameters(x) for x in linears) > 0.5 * vgg16.params
    assert sum(x.in_features * x.out_features for x in linears) < 0.5 * vgg16.macs
    says("vgg", "Most of VGG's computation is in the convolutions, most of its parameters in the fully "
         "connected layers")
    first = meta(tvm.vgg16).classifier[0]
    assert (first.in_features, first.out_features) == (7 * 7 * 512, 4096) == (25_088, 4_096)
    says("vgg", "maps 7·7·512 inputs to 4,096 outputs", "입력 7·7·512개를 출력 4,096개로")
    says("arch-q-param-order", "maps 25,088 inputs to 4,096 outputs", "입력 25,088개를 출력 4,096개로")
    # Three 3x3 layers against one 7x7 (C channels in and out, no bias): 27·C² and 49·C².
    c = 5
    three = sum(conv_weights(nn.Conv2d(c, c, 3, bias=False)) for _ in range(3))
    assert (three, conv_weights(nn.Conv2d(c, c, 7, bias=False))) == (27 * c * c, 49 * c * c)
    says("vgg", "27·C² instead of 49·C² weights", "49·C² 대신 27·C²개")
    says("arch-q-vgg-stacks", "27·C² instead of 49·C²")
    assert round(vgg16.params / m["GoogLeNet"].params) == 21
    says("vgg", "about 21 times fewer parameters", "약 21분의 1")


def test_googlenet(m):
    g = m["GoogLeNet"]
    says("inception", f"has {millions(g.params)} parameters and needs {billions(g.macs)}",
         f"파라미터가 {ko_millions(g.params)} 개이고 224×224 이미지 하나에 곱셈-누산이 {ko_billions(g.macs)}")
    assert (g.weight_layers, g.depth) == (58, 22)
    says("inception", "58 convolution and fully connected layers in all, but only 22 on its longest path",
         "모두 58개")
    says("inception", "The 22-layer CNN", "22층 CNN")
    with_aux = meta(tvm.googlenet, aux_logits=True, init_weights=False)
    assert with_aux.aux1 is not None and with_aux.aux2 is not None  # "its two auxiliary classifiers"
    plain = meta(tvm.googlenet, aux_logits=False, init_weights=False)
    # The "5x5" branch uses 3x3 kernels (a known bug), and every convolution has a BatchNorm.
    assert plain.inception3a.branch3[1].conv.kernel_size == (3, 3)
    convs = sum(isinstance(x, nn.Conv2d) for x in plain.modules())
    assert sum(isinstance(x, nn.BatchNorm2d) for x in plain.modules()) == convs


def test_one_by_one_convolution_in_the_first_inception_module():
    net = meta(tvm.googlenet, aux_logits=False, init_weights=False).inception3a
    reduce, conv = net.branch3[0].conv, net.branch3[1].conv
    assert (reduce.in_channels, reduce.out_channels, conv.out_channels) == (192, 16, 32)  # as the card says

    def macs(*layers):
        return A.multiply_adds(nn.Sequential(*layers), (192, 28, 28))

    direct = macs(nn.Conv2d(192, 32, 5, padding=2))
    reduced = macs(nn.Conv2d(192, 16, 1), nn.Conv2d(16, 32, 5, padding=2))
    assert (direct, reduced) == (28 * 28 * 32 * 192 * 25, 28 * 28 * 16 * 192 + 28 * 28 * 32 * 16 * 25)
    ratio = round(direct / reduced, 1)
    for item_id in ("one-by-one-convolution", "arch-q-inception-saving"):
        says(item_id, millions(direct), ko_millions(direct))
        says(item_id, millions(reduced), ko_millions(reduced))
    says("one-by-one-convolution", f"about {ratio} times fewer", f"약 {ratio}배")
    assert item("arch-q-inception-saving").answer == ratio
    assert 192 / 16 == 12 and item("arch-q-inception-saving").misconceptions[0].answer == 12


def test_resnet(m):
    for name in ("ResNet-18", "ResNet-34", "ResNet-50", "ResNet-101", "ResNet-152"):
        r = m[name]
        en = f"{millions(r.params)} and {billions(r.macs)}"
        if name == "ResNet-18":
            en = f"ResNet-18 has {millions(r.params)} parameters and needs {billions(r.macs)}"
        says("resnet", en, f"{ko_millions(r.params)} 개와 {ko_billions(r.macs)}" if name != "ResNet-18"
             else f"파라미터 {ko_millions(r.params)} 개에 224×224 이미지 하나당 곱셈-누산 {ko_billions(r.macs)}")
    assert m["ResNet-152"].macs < m["VGG-16"].macs
    says("resnet", "Even ResNet-152 needs fewer multiply-adds than VGG-16")
    for builder, block in ((tvm.resnet18, BasicBlock), (tvm.resnet34, BasicBlock), (tvm.resnet50, Bottleneck),
                           (tvm.resnet101, Bottleneck), (tvm.resnet152, Bottleneck)):
        blocks = [x for x in meta(builder).modules() if isinstance(x, (BasicBlock, Bottleneck))]
        assert blocks and all(isinstance(x, block) for x in blocks)
    for name in ("ResNet-50", "ResNet-101", "ResNet-152"):
        says("resnet", name.split("-")[1])


def test_resnet50_is_v1_5_with_the_stride_on_the_3x3():
    v15 = meta(tvm.resnet50)
    assert v15.layer2[0].conv2.stride == (2, 2) and v15.layer2[0].conv1.stride == (1, 1)
    v1 = meta(tvm.resnet50)
    for layer in (v1.layer2, v1.layer3, v1.layer4):  # the paper's version: stride on the first 1x1
        layer[0].conv1.stride, layer[0].conv2.stride = (2, 2), (1, 1)
    assert A.multiply_adds(v1, (3, 224, 224)) < A.multiply_adds(v15, (3, 224, 224))
    says("resnet", "costs slightly more multiply-adds than the paper's version")


def test_bottleneck_block():
    bottleneck, basic = Bottleneck(256, 64), BasicBlock(64, 64)
    assert [c.kernel_size for c in (bottleneck.conv1, bottleneck.conv2, bottleneck.conv3)] == [(1, 1), (3, 3), (1, 1)]
    assert (bottleneck.conv1.out_channels, bottleneck.conv3.out_channels) == (64, 256)  # shrink by 4
    assert (conv_weights(bottleneck), conv_weights(basic)) == (69_632, 73_728)
    says("bottleneck-block", "has 69,632 convolution weights", "69,632개")
    says("bottleneck-block", "(73,728)", "73,728개")
    says("arch-q-bottleneck", "has 69,632 convolution weights", "69,632개")
    assert sum(isinstance(x, nn.BatchNorm2d) for x in bottleneck.modules()) == 3


def test_depthwise_separable_convolution():
    standard = GENERATORS["separable-conv-params"](in_channels=256, out_channels=256, kernel=3, separable=False)
    separable = GENERATORS["separable-conv-params"](in_channels=256, out_channels=256, kernel=3, separable=True)
    assert (standard, separable) == (589_824, 67_840)
    says("depthwise-separable-convolution", "589,824 weights, the depthwise separable one 67,840", "589,824개")
    says("depthwise-separable-convolution", f"about {standard / separable:.1f} times fewer",
         f"약 {standard / separable:.1f}배")
    # The cost ratio is 1/C_out + 1/K², and for 3x3 kernels "roughly 8 to 9 times less".
    for c_in, c_out, k in ((32, 64, 3), (64, 128, 5), (256, 256, 3)):
        ratio = GENERATORS["separable-conv-params"](in_channels=c_in, out_channels=c_out, kernel=k, separable=True) \
            / GENERATORS["separable-conv-params"](in_channels=c_in, out_channels=c_out, kernel=k, separable=False)
        assert ratio == pytest.approx(1 / c_out + 1 / k**2)
    for c in (64, 128, 256, 512, 1024):
        assert 7.5 < 1 / (1 / c + 1 / 9) < 9
    says("depthwise-separable-convolution", "roughly 8 to 9 times less for 3×3 kernels", "대략 8~9배")


def test_mobilenet_v2(m):
    mb, vgg = m["MobileNetV2"], m["VGG-16"]
    says("mobilenet-v2", f"has {millions(mb.params)} parameters and needs {round(mb.macs / 1e6)} million",
         f"파라미터가 {ko_millions(mb.params)} 개이고 224×224 이미지 하나에 곱셈-누산이 {ko_whole_millions(mb.macs)}")
    says("mobilenet-v2", f"with {mb.depth} weight layers on its longest path", f"가중치 층이 {mb.depth}개")
    says("mobilenet-v2", f"about {round(vgg.params / mb.params)} times fewer parameters and "
         f"{round(vgg.macs / mb.macs)} times fewer multiply-adds", f"약 {round(vgg.params / mb.params)}분의 1")


def test_multiply_adds_and_the_alexnet_googlenet_question(m):
    a, g = m["AlexNet"], m["GoogLeNet"]
    assert a.params > g.params and a.macs < g.macs  # the true/false statement is false
    assert item("arch-q-alexnet-googlenet-macs").answer is False
    for item_id in ("multiply-adds", "arch-q-alexnet-googlenet-macs"):
        says(item_id, millions(a.params), ko_millions(a.params))
        says(item_id, f"{round(a.macs / 1e6)} million", ko_whole_millions(a.macs))
        says(item_id, millions(g.params), ko_millions(g.params))
        says(item_id, billions(g.macs), ko_billions(g.macs))


def test_depth_of_resnet18(m):
    r = m["ResNet-18"]
    blocks = [x for x in meta(tvm.resnet18).modules() if isinstance(x, BasicBlock)]
    projections = [b.downsample[0] for b in blocks if b.downsample is not None]
    assert (r.weight_layers, r.depth, len(projections), len(blocks)) == (21, 18, 3, 8)
    assert all(p.kernel_size == (1, 1) for p in projections)
    says("network-depth", "ResNet-18 contains 21 convolution and fully connected layers: 18 on the longest "
         "path, plus 3 1×1 shortcut projections", "21개")
    says("network-depth", "Its 8 basic blocks hold 16 of the 18", "기본 블록 8개가 18개 가운데 16개")
    says("network-depth", "a ResNet-18 has 8 residual blocks")
    says("arch-q-resnet18-depth", "contains 21 Conv2d and Linear layers", "21개")
    says("arch-q-resnet18-depth", "1 + 16 in the blocks + 1 = 18")
    says("arch-q-resnet18-depth", "ResNet-18 has 8 basic blocks", "기본 블록이 8개")


def test_imagenet_classes():
    for builder in (tvm.alexnet, tvm.vgg16, tvm.resnet18, tvm.resnet50, tvm.mobilenet_v2):
        last = [x for x in meta(builder).modules() if isinstance(x, nn.Linear)][-1]
        assert last.out_features == 1000
    assert (meta(tvm.resnet18).fc.in_features, meta(tvm.resnet50).fc.in_features) == (512, 2048)
    says("arch-q-imagenet-classes", "the 512 (ResNet-18) or 2,048 (ResNet-50) pooled channels")
    says("ilsvrc", "1,000 outputs", "출력 1,000개")
    says("arch-q-param-order", "up to 2,048 channels", "2,048개")
    says("arch-q-param-order", "up to 512 channels", "512채널")


def test_the_parameter_ordering_question(m):
    q = item("arch-q-param-order")
    names = {"mobilenet": "MobileNetV2", "googlenet": "GoogLeNet", "resnet18": "ResNet-18",
             "resnet50": "ResNet-50", "vgg16": "VGG-16"}
    assert q.answer == sorted(names, key=lambda key: m[names[key]].params)
    for key, name in names.items():
        text = next(i for i in q.items if i.id == key).explanation
        assert millions(m[name].params) in text.en and ko_millions(m[name].params) in text.ko
        says("arch-q-param-order", millions(m[name].params), ko_millions(m[name].params))


def test_the_generators_agree_with_the_formulas():
    for c_in, c_out, k in ((16, 32, 3), (128, 256, 5)):
        assert GENERATORS["separable-conv-params"](in_channels=c_in, out_channels=c_out, kernel=k, separable=True) \
            == c_in * k * k + c_in * c_out
        assert GENERATORS["separable-conv-params"](in_channels=c_in, out_channels=c_out, kernel=k, separable=False) \
            == c_in * c_out * k * k
    for size, c_in, c_out, k in ((7, 3, 8, 3), (16, 16, 32, 1)):
        assert GENERATORS["conv2d-macs"](size=size, in_channels=c_in, out_channels=c_out, kernel=k) \
            == size * size * c_out * c_in * k * k
        # The misconception "forgot the positions" (size 1) is the parameter count without biases.
        assert GENERATORS["conv2d-macs"](size=1, in_channels=c_in, out_channels=c_out, kernel=k) \
            == GENERATORS["conv2d-params"](in_channels=c_in, out_channels=c_out, kernel=k, bias=False)


# --- no number the tests did not compute --------------------------------------------------------


def test_every_million_and_billion_in_the_topic_was_computed(m):
    """Each '<number> million/billion' (English) and '<n>억 <n>만' (Korean) the topic states is
    one of the measured values above, written the way the topic writes it."""
    values = [r.params for r in m.values()]
    macs = [r.macs for r in m.values()]
    extra = [m["VGG-19"].params - m["VGG-16"].params,  # "only 5.3 million more"
             28 * 28 * 32 * 192 * 25, 28 * 28 * 16 * 192 + 28 * 28 * 32 * 16 * 25]  # the Inception branch
    en_allowed = {millions(v) for v in values + extra} | {billions(v) for v in macs}
    en_allowed |= {f"{round(v / 1e6)} million" for v in macs if v < 1e9}
    ko_allowed = {ko_millions(v) for v in values + extra} | {ko_billions(v) for v in macs}
    ko_allowed |= {ko_whole_millions(v) for v in macs if v < 1e9}
    english = texts(TOPIC, "en")
    korean = texts(TOPIC, "ko")
    stated_en = {f"{n} {unit}" for n, unit in re.findall(r"(\d[\d,]*(?:\.\d+)?) (million|billion)", english)}
    stated_ko = set(re.findall(r"\d+억(?: [\d,]+만)?|(?<![\d억] )[\d,]*\d만", korean))
    assert stated_en and stated_en <= en_allowed, sorted(stated_en - en_allowed)
    assert stated_ko and stated_ko <= ko_allowed, sorted(stated_ko - ko_allowed)
