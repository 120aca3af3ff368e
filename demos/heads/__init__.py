"""The heads demo: output layers and losses, joined into one `Demo`.

Engine: yes. The six networks train as the copies of one demos.stacked.StackedMLP, with the
losses' gradients and the backpropagation written out by hand (demos/heads/engine.py).
`studyapp bench heads --repeats 3` measured it 3.1-3.2x faster than this plain lesson at the
default settings (single paired runs 2.1-4.1x on the busy shared 2-core CPU), with the same
metrics: both train the same networks on the same batches. At the largest settings the
matrix products themselves take the time, and engine and lesson take about as long.
"""

from demos.framework import Demo, Engine, Param, T
from demos.heads import figures

DEMO = Demo(
    id="heads",
    title=T("Output layers and loss functions", "출력층과 손실 함수"),
    description=T(
        "One data set, three questions: is the digit even (binary), which digit is it "
        "(multiclass), which tags apply (multi-label). Each gets the right output layer and "
        "loss, and three classic mistakes are trained next to them so you can see what they cost.",
        "하나의 데이터로 세 가지 질문을 던집니다. 짝수인가(이진 분류), 어떤 숫자인가(다중 클래스 "
        "분류), 어떤 태그가 붙는가(다중 레이블 분류). 각 질문에 맞는 출력층과 손실 함수를 쓰고, "
        "흔한 실수 세 가지도 나란히 학습시켜 무엇을 잃는지 확인합니다.",
    ),
    lesson="demos.heads.lesson",
    params=(
        Param("steps", T("Training steps", "학습 단계 수"), min=10, max=2000, step=10,
              help=T("Each step trains all six networks on the same mini-batch. Given enough steps the "
                     "slow mistakes (double softmax, MSE) catch up; the softmax over tags never can.",
                     "단계마다 여섯 신경망 모두가 같은 미니배치로 학습합니다. 단계가 충분하면 느린 실수(이중 "
                     "소프트맥스, MSE)는 따라잡지만, 태그 전체 소프트맥스는 결코 따라잡지 못합니다.")),
        Param("batch_size", T("Batch size", "배치 크기"), min=8, max=128),
        Param("optimizer", T("Optimizer", "옵티마이저"), choices=("sgd", "adam"),
              choice_labels={"sgd": T("SGD with momentum 0.9", "SGD (모멘텀 0.9)"), "adam": T("Adam", "Adam")},
              help=T("SGD moves in proportion to the gradient, so a loss with tiny gradients learns "
                     "slowly. Adam rescales every gradient and hides part of that cost.",
                     "SGD는 기울기에 비례해 움직이므로 기울기가 작은 손실은 느리게 학습합니다. Adam은 "
                     "기울기 크기를 다시 맞추기 때문에 그 손해가 일부 가려집니다.")),
        Param("lr", T("Learning rate", "학습률"), min=1e-4, max=1.0, log=True,
              help=T("Too large and a network diverges: its loss stops being a number and it stops "
                     "training (the summary says which, and when).",
                     "너무 크면 신경망이 발산합니다. 손실이 더 이상 수가 아니게 되어 그 신경망은 학습을 "
                     "멈춥니다 (요약에 어느 것이 언제 멈췄는지 나옵니다).")),
        Param("hidden", T("Hidden units per layer", "층당 은닉 유닛 수"), min=4, max=128),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
    engine=Engine("demos.heads.engine"),
)
