"""The residual demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: the three networks differ in depth and in their shortcuts, so they do not stack
into one batched network the way equal copies do, and most of a step is the per-layer
overhead of small matrices, which a batched engine would not remove. The lesson trains them
one after another on the same batches.

The last figure (the architecture comparison, from torchvision) is computed when the figures
are first drawn, after the run, and cached; it is not part of the run's time.
"""

from demos.framework import Demo, Param, T
from demos.residual import figures

DEMO = Demo(
    id="residual",
    title=T("Deeper is not always better: the degradation problem and residual connections",
            "깊을수록 좋은 것은 아니다: 성능 저하 문제와 잔차 연결"),
    description=T(
        "Three MLPs learn the same handwritten digits from the same batches: a shallow plain "
        "network, a deep plain one, and the same deep network with a shortcut around every pair "
        "of layers (ResNet's basic block, with linear layers). Watch the deep plain network end "
        "with a higher training loss than the shallow one, although it could represent "
        "everything the shallow one can, and the shortcuts take that penalty away. The gradient "
        "chart shows that, with BatchNorm, the gradients did not vanish. Below, the landmark "
        "architectures from LeNet-5 to MobileNetV2, measured from torchvision's definitions.",
        "똑같은 손글씨 숫자를 똑같은 배치로 세 MLP가 학습합니다. 얕은 평범한 신경망, 깊은 평범한 "
        "신경망, 그리고 같은 깊은 신경망에 층 두 개마다 지름길을 둔 것(ResNet의 기본 블록을 선형층으로 "
        "만든 것)입니다. 깊은 평범한 신경망은 얕은 신경망이 표현할 수 있는 것을 모두 표현할 수 있는데도 "
        "훈련 손실이 더 높게 끝나고, 지름길이 그 손해를 없애는 것을 지켜보십시오. 기울기 그래프는 배치 "
        "정규화가 있을 때 기울기가 소실되지 않았음을 보여 줍니다. 아래에는 LeNet-5부터 MobileNetV2까지 "
        "대표 구조를 torchvision의 정의로 잰 비교가 있습니다.",
    ),
    lesson="demos.residual.lesson",
    params=(
        Param("depth", T("Deep networks: weight layers", "깊은 신경망의 가중치 층 수"), min=4, max=40, step=2,
              help=T("Both deep networks have this many Linear layers: one in, one out, and blocks of two "
                     "in between (an odd number builds one less).",
                     "두 깊은 신경망 모두 이만큼의 선형층을 가집니다. 입력층과 출력층 하나씩, 그 사이에 두 층짜리 "
                     "블록이 들어갑니다(홀수를 주면 한 층 적게 만듭니다).")),
        Param("shallow_depth", T("Shallow network: weight layers", "얕은 신경망의 가중치 층 수"),
              min=2, max=20, step=2),
        Param("width", T("Units per layer", "층당 유닛 수"), min=8, max=128, step=8),
        Param("steps", T("Training steps", "학습 스텝 수"), min=20, max=300, step=10,
              help=T("Mini-batches of 64 training digits; all three networks see the same ones.",
                     "훈련 숫자 64개짜리 미니배치 수입니다. 세 신경망은 똑같은 배치를 봅니다.")),
        Param("lr", T("Learning rate (SGD, momentum 0.9)", "학습률 (SGD, 모멘텀 0.9)"), min=1e-3, max=1.0,
              log=True),
        Param("batch_norm", T("BatchNorm after every layer", "층마다 배치 정규화"),
              help=T("Off: PyTorch's default initialization, too small for ReLU layers, lets the "
                     "plain network's gradient vanish; the shortcuts carry it past every block.",
                     "끄면 ReLU 층에는 너무 작은 PyTorch 기본 초기화 때문에 평범한 신경망의 기울기가 "
                     "소실됩니다. 지름길은 기울기를 모든 블록 너머로 전달합니다.")),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
)
