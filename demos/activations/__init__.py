"""The activations demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: stacking the five networks into one batched model (torch.baddbmm over a leading
axis of five) measured only 1.3-1.5x faster than training them one after another the plain
way (1.35-1.4x against this lesson, one thread, default settings), short of the 2x an engine
must earn.
"""

from demos.activations import figures
from demos.framework import Demo, Param, T

INIT_CHOICES = {
    "zeros": T("zeros", "zeros (모두 0)"),
    "small normal": T("small normal (σ = 0.01)", "small normal (작은 정규분포, σ = 0.01)"),
    "large normal": T("large normal (σ = 1)", "large normal (큰 정규분포, σ = 1)"),
    "xavier": T("Xavier (Glorot)", "Xavier (Glorot)"),
    "he": T("He (Kaiming)", "He (Kaiming)"),
}

DEMO = Demo(
    id="activations",
    title=T("Activation functions and initialization", "활성화 함수와 가중치 초기화"),
    description=T(
        "Five deep networks with the same starting weights learn handwritten digits; only "
        "their activation function differs. See how much gradient reaches each layer (with "
        "sigmoid it vanishes), how many ReLU units die, and how the weight initialization "
        "changes all of it.",
        "초기 가중치가 같은 깊은 신경망 다섯 개가 손글씨 숫자를 학습합니다. 서로 다른 것은 활성화 "
        "함수뿐입니다. 층마다 도달하는 기울기의 크기(시그모이드에서는 사라집니다), 죽은 ReLU 유닛의 "
        "비율, 그리고 가중치 초기화가 이 모든 것을 어떻게 바꾸는지 살펴보십시오.",
    ),
    lesson="demos.activations.lesson",
    params=(
        Param("init", T("Weight initialization", "가중치 초기화"), choices=tuple(INIT_CHOICES),
              choice_labels=INIT_CHOICES,
              help=T("How the starting weights are drawn. Try zeros (the symmetry never breaks), "
                     "small normal (the signal fades), large normal (saturation and explosion) "
                     "and He (designed for ReLU).",
                     "초기 가중치를 뽑는 방법입니다. zeros(대칭이 끝내 깨지지 않음), small normal"
                     "(신호가 사라짐), large normal(포화와 폭발), He(ReLU용으로 설계됨)를 비교해 보십시오.")),
        Param("depth", T("Hidden layers", "은닉층 수"), min=1, max=30,
              help=T("Each layer adds one factor to the chain rule, so gradients vanish or "
                     "explode faster in deeper networks.",
                     "층마다 연쇄 법칙에 곱셈 항이 하나씩 늘어나므로, 깊을수록 기울기가 더 빨리 "
                     "소실되거나 폭발합니다.")),
        Param("width", T("Units per hidden layer", "은닉층당 유닛 수"), min=4, max=96),
        Param("steps", T("Training steps", "학습 단계 수"), min=10, max=500, step=10),
        Param("batch_size", T("Batch size", "배치 크기"), min=8, max=128),
        Param("lr", T("Learning rate (SGD + momentum)", "학습률 (SGD + 모멘텀)"), min=1e-4, max=2.0, log=True,
              help=T("Plain SGD on purpose: an adaptive optimizer such as Adam rescales tiny "
                     "gradients and would hide the vanishing gradient. Large rates kill ReLU units.",
                     "일부러 SGD를 씁니다. Adam 같은 적응형 옵티마이저는 작은 기울기를 키워서 기울기 "
                     "소실을 가려 버립니다. 학습률이 크면 ReLU 유닛이 많이 죽습니다.")),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
)
