"""The playground demo (TensorFlow Playground in PyTorch): the lesson, its knobs and its
figures, joined into one `Demo`.

It keeps an engine: the networks are so small that the lesson's nn.Sequential + autograd +
torch.optim.SGD + DataLoader loop spends nearly all its time on per-operation bookkeeping, and
the hand-written SGD of engine.py ran the same training about 13x faster (`studyapp bench`
on a busy 2-core CPU: default run 12.8x, TensorFlow Playground's largest network 13.2x), with
the same loss curves to 1e-7.
"""

from demos.framework import Demo, Engine, Param, T
from demos.playground import figures

# demos.data2d.CHOICES, written out here so that showing the knobs does not load PyTorch.
DATASETS = ("circles", "xor", "moons", "spiral", "blobs", "spiral-3", "blobs-3")


def bench_extra(device) -> dict[str, float]:
    """Epochs per second on TensorFlow Playground's largest network, engine against lesson."""
    from demos.playground.engine import benchmark_tf_playground

    return benchmark_tf_playground(device)


DEMO = Demo(
    id="playground",
    title=T("Neural network playground", "신경망 플레이그라운드"),
    description=T(
        "A small neural network learns to separate two-dimensional points of different classes. "
        "The background shows which class it predicts everywhere in the plane; watch that decision "
        "boundary bend as it trains. Try a network with no hidden layer on the circles or XOR data, "
        "then add layers.",
        "작은 신경망이 서로 다른 클래스의 2차원 점들을 구분하도록 학습합니다. 배경 색은 평면의 각 "
        "위치에서 신경망이 예측하는 클래스입니다. 학습이 진행되면서 결정 경계가 휘어지는 모습을 "
        "지켜보십시오. 은닉층이 없는 신경망으로 원형(circles)이나 XOR 데이터를 먼저 학습해 보고, 그다음 "
        "층을 추가해 보십시오.",
    ),
    lesson="demos.playground.lesson",
    params=(
        Param("dataset", T("Data set", "데이터셋"), choices=DATASETS,
              choice_labels={"circles": T("circles", "circles (원 안과 밖)"),
                             "xor": T("xor", "xor (사분면)"),
                             "moons": T("moons", "moons (초승달 두 개)"),
                             "spiral": T("spiral", "spiral (나선)"),
                             "blobs": T("blobs", "blobs (점 무리)"),
                             "spiral-3": T("spiral, 3 classes", "spiral (나선, 클래스 3개)"),
                             "blobs-3": T("blobs, 3 classes", "blobs (점 무리, 클래스 3개)")},
              help=T("circles and xor need a hidden layer; moons needs a curved boundary for the "
                     "last few points; blobs are linearly separable; spiral is the hardest. The "
                     "3-class sets give the network one output unit per class and a softmax.",
                     "circles와 xor는 은닉층이 있어야 풀리고, moons는 마지막 몇 점까지 맞히려면 휘어진 "
                     "경계가 필요하며, blobs는 직선으로 나뉘고, spiral이 가장 어렵습니다. 클래스가 3개인 "
                     "데이터셋에서는 출력 유닛을 클래스마다 하나씩 두고 소프트맥스를 씁니다.")),
        Param("hidden_layers", T("Hidden layers", "은닉층 수"), min=0, max=6,
              help=T("0 gives a linear model: its boundary is a straight line.",
                     "0이면 선형 모델이 되어 결정 경계가 직선입니다.")),
        Param("width", T("Units per hidden layer", "은닉층당 유닛 수"), min=1, max=16),
        Param("activation", T("Activation", "활성화 함수"), choices=("tanh", "relu", "sigmoid", "linear"),
              help=T("linear makes any number of layers collapse into one linear model.",
                     "linear를 고르면 층을 아무리 쌓아도 하나의 선형 모델과 같아집니다.")),
        Param("loss", T("Loss", "손실 함수"), choices=("cross-entropy", "squared-error"),
              choice_labels={"cross-entropy": T("cross-entropy", "cross-entropy (교차 엔트로피)"),
                             "squared-error": T("squared error", "squared-error (제곱 오차)")},
              help=T("cross-entropy: sigmoid (two classes) or softmax (three) on the outputs, the "
                     "natural loss for classification. squared-error: tanh outputs and targets ±1, "
                     "as in TensorFlow Playground.",
                     "cross-entropy: 출력에 시그모이드(클래스 2개) 또는 소프트맥스(클래스 3개)를 씌우는, "
                     "분류에 알맞은 손실입니다. squared-error: 출력에 tanh를 쓰고 목표값을 ±1로 두는 "
                     "TensorFlow Playground 방식입니다.")),
        Param("lr", T("Learning rate (SGD)", "학습률 (SGD)"), min=1e-4, max=3.0, log=True),
        Param("l2", T("L2 regularization", "L2 규제"), min=0.0, max=0.1, step=0.001,
              help=T("Weight decay: shrinks every weight a little each step (biases are not "
                     "penalized).",
                     "가중치 감쇠: 매 단계 가중치를 조금씩 줄입니다 (편향은 규제하지 않음).")),
        Param("noise", T("Noise", "노이즈"), min=0.0, max=0.5, step=0.01,
              help=T("Standard deviation of the jitter added to every point, as a share of the "
                     "data's radius.",
                     "각 점에 더하는 흔들림의 표준편차이며, 데이터 반지름에 대한 비율입니다.")),
        Param("train_ratio", T("Share of points for training", "훈련에 쓰는 점의 비율"),
              min=0.1, max=0.9, step=0.05,
              help=T("Of 500 points; the rest are test points the network never trains on.",
                     "점 500개 중 이 비율로 학습하고, 나머지는 학습에 쓰지 않는 테스트 점입니다.")),
        Param("batch_size", T("Batch size", "배치 크기"), min=5, max=500,
              help=T("Points per SGD step; the training set is shuffled every epoch.",
                     "SGD 한 단계에 쓰는 점의 수입니다. 훈련 데이터는 에포크마다 섞습니다.")),
        Param("epochs", T("Epochs", "에포크 수"), min=10, max=2000, step=10),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
    engine=Engine("demos.playground.engine"),
    live_picture=figures.live_picture,
    bench_extra=bench_extra,
    # The longest run is the smallest batch (the most steps) at a rate that does not diverge.
    heaviest={"batch_size": 5, "lr": 0.03},
)
