"""The overfitting demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: stacking the two copies into one batched network measured only 1.25x faster
than the plain lesson, short of the 2x an engine must earn.
"""

from demos.framework import Demo, Param, T
from demos.overfitting import figures

DEMO = Demo(
    id="overfitting",
    title=T("Overfitting and its cures", "과적합과 그 처방"),
    description=T(
        "Two identical MLPs learn from the same few handwritten digits, some of them labelled "
        "wrongly. One has no regularization; the other uses the cures you switch on. Watch the gap "
        "between training and validation loss open for the first and stay small for the second.",
        "똑같은 MLP 두 개가 같은 소수의 손글씨 숫자로 학습합니다. 그중 일부는 레이블이 틀렸습니다. "
        "하나는 규제가 전혀 없고, 다른 하나는 여러분이 켠 처방을 씁니다. 첫 번째 모델에서는 훈련 "
        "손실과 검증 손실 사이의 간격이 벌어지고, 두 번째 모델에서는 작게 유지되는 것을 지켜보십시오.",
    ),
    lesson="demos.overfitting.lesson",
    params=(
        Param("train_size", T("Training images", "훈련 이미지 수"), min=30, max=1000, step=10,
              help=T("Fewer images make memorizing easier: overfitting grows.",
                     "이미지가 적을수록 암기가 쉬워져 과적합이 커집니다.")),
        Param("label_noise", T("Wrong training labels", "틀린 훈련 레이블 비율"), min=0.0, max=0.8, step=0.05,
              help=T("Share of training images given a random wrong label. Memorizing them hurts.",
                     "무작위로 틀린 레이블을 받은 훈련 이미지의 비율입니다. 이것까지 외우면 손해입니다.")),
        Param("dropout", T("Dropout rate", "드롭아웃 비율"), min=0.0, max=0.9, step=0.05,
              help=T("Share of hidden units switched off at random in each training step.",
                     "학습 단계마다 무작위로 꺼지는 은닉 유닛의 비율입니다.")),
        Param("l2", T("L2 penalty λ", "L2 벌점 λ"), min=0.0, max=0.1, log=True,
              help=T("Adds λ/2 times the sum of squared weights to the loss (under Adam this is not "
                     "the same as AdamW's decoupled weight decay).",
                     "가중치 제곱합의 λ/2배를 손실에 더합니다 (Adam에서는 AdamW의 분리된 가중치 감쇠와 "
                     "같지 않습니다).")),
        Param("early_stopping", T("Early stopping", "조기 종료"),
              help=T("Stop when the validation loss has not improved for `patience` epochs, and keep "
                     "the best weights.",
                     "검증 손실이 patience 에포크 동안 나아지지 않으면 멈추고 가장 좋았던 가중치를 "
                     "되돌립니다.")),
        Param("patience", T("Patience (epochs)", "인내 에포크 수"), min=1, max=100),
        Param("epochs", T("Epochs", "에포크 수"), min=10, max=500, step=10),
        Param("hidden", T("Hidden units per layer", "층당 은닉 유닛 수"), min=8, max=256),
        Param("lr", T("Learning rate (Adam)", "학습률 (Adam)"), min=1e-4, max=0.1, log=True),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
)
