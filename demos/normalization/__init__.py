"""The normalization demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: the three networks differ in their layers (none, BatchNorm1d, LayerNorm), so
there is no stacked copy to batch them into, and the plain loop is already short: at the
defaults the lesson spends about 13 ms of CPU per step on all three (1 thread).
"""

from demos.framework import Demo, Param, T
from demos.normalization import figures

DEMO = Demo(
    id="normalization",
    title=T("Normalization and initialization", "정규화와 가중치 초기화"),
    description=T(
        "Three 20-layer ReLU networks start from the same weights, drawn with the scale you "
        "choose: one plain, one with batch norm, one with layer norm. Before training, see how "
        "the spread of activations and gradients changes from layer to layer; then watch which "
        "networks learn. At the end, single images go through the batch-norm network in train "
        "mode and in eval mode.",
        "같은 가중치에서 출발하는 20층 ReLU 신경망 세 개를 비교합니다. 가중치의 크기는 여러분이 "
        "고르며, 하나는 정규화가 없고 하나는 배치 정규화, 하나는 층 정규화를 씁니다. 학습 전에 "
        "활성값과 기울기의 퍼짐이 층마다 어떻게 변하는지 보고, 이어서 어느 신경망이 배우는지 "
        "지켜보십시오. 마지막에는 배치 정규화 신경망에 이미지를 한 장씩 학습 모드와 평가 모드로 "
        "넣어 봅니다.",
    ),
    lesson="demos.normalization.lesson",
    params=(
        Param("init", T("Weight initialization", "가중치 초기화"), choices=("small", "xavier", "he", "large"),
              choice_labels=figures.INITS,
              help=T("The scale of the random starting weights. He: Var(W) = 2/fan_in, made for ReLU; "
                     "Xavier: 2/(fan_in + fan_out); the other two use half and twice He's standard "
                     "deviation.",
                     "무작위 시작 가중치의 크기입니다. He는 ReLU용으로 Var(W) = 2/fan_in, Xavier는 "
                     "2/(fan_in + fan_out)이고, 나머지 둘은 He 표준편차의 절반과 두 배를 씁니다.")),
        Param("depth", T("Hidden layers", "은닉층 수"), min=2, max=30,
              help=T("Each hidden layer has 64 ReLU units.", "은닉층마다 ReLU 유닛이 64개 있습니다.")),
        Param("steps", T("Training steps", "학습 스텝 수"), min=10, max=500, step=10,
              help=T("Mini-batches of 64 images; all three networks see the same ones.",
                     "이미지 64장짜리 미니배치 수입니다. 세 신경망은 똑같은 배치를 봅니다.")),
        Param("lr", T("Learning rate (SGD, momentum 0.9)", "학습률 (SGD, 모멘텀 0.9)"), min=1e-3, max=0.5,
              log=True,
              help=T("Layer norm is the most sensitive to it here: a normalized layer's gradient grows as "
                     "its weights shrink, so with Xavier weights try 0.005.",
                     "여기서는 층 정규화가 학습률에 가장 민감합니다. 정규화되는 층의 기울기는 가중치가 "
                     "작을수록 커지므로, Xavier 가중치라면 0.005를 써 보십시오.")),
    ),
    # A large learning rate makes networks diverge and stop early: the longest run keeps them all.
    heaviest={"lr": 0.001},
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
)
