"""The K-fold demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: the K small models already train in one loop, a default run takes about a second
on a 2-core CPU, and there is no comparison of variants for a stacked network to speed up.
"""

from demos.framework import Demo, Param, T
from demos.kfold import figures

DEMO = Demo(
    id="kfold",
    title=T("K-fold cross-validation and data leakage", "K-폴드 교차 검증과 데이터 누수"),
    description=T(
        "K small networks learn handwritten digits side by side, each validated on the one fold it "
        "never trained on. The mean of their K scores is the cross-validation score, their spread "
        "its uncertainty. A test set kept out of it all checks the estimate: switch on a leak and "
        "watch the cross-validation score rise above what the same models score on the test set.",
        "작은 신경망 K개가 손글씨 숫자를 나란히 학습하고, 각자 학습에 쓰지 않은 폴드 하나로 "
        "검증합니다. K개 점수의 평균이 교차 검증 점수이고, 그 퍼짐이 점수의 불확실성입니다. 이 "
        "모든 과정에서 빼 둔 테스트 세트가 추정치를 확인합니다. 누수를 켜고, 교차 검증 점수가 같은 "
        "모델의 테스트 세트 점수보다 높아지는지 지켜보십시오.",
    ),
    lesson="demos.kfold.lesson",
    params=(
        Param("folds", T("Folds K", "폴드 수 K"), min=2, max=figures.MAX_FOLDS,
              help=T("K models, each trained on K − 1 folds: a larger K trains on more data per "
                     "model, validates on fewer images per fold, and costs K trainings.",
                     "모델 K개가 각각 K − 1개 폴드로 학습합니다. K가 크면 모델마다 학습 데이터가 "
                     "많아지고, 폴드마다 검증 이미지는 줄어들며, 학습을 K번 해야 합니다.")),
        Param("train_size", T("Development images", "개발용 이미지 수"), min=50, max=1200, step=50,
              help=T("Images shared out among the folds. The 500 test images are never among them.",
                     "폴드에 나누어 주는 이미지 수입니다. 테스트 이미지 500장은 여기에 들어가지 않습니다.")),
        Param("stratified", T("Stratified folds", "층화 폴드"),
              help=T("Deal out each digit evenly, so every fold holds the same mix of classes.",
                     "숫자마다 고르게 나누어, 모든 폴드의 클래스 구성이 같아지게 합니다.")),
        Param("leak", T("Leak", "누수"), choices=tuple(figures.LEAKS), choice_labels=figures.LEAKS,
              help=T("Near-copies: every image again with a little pixel noise, as if scanned twice. "
                     "Split apart, a validation image's twin trains the model that judges it.",
                     "거의 같은 사본: 모든 이미지를 픽셀 잡음을 조금 더해 한 번 더 넣습니다(두 번 스캔한 "
                     "것처럼). 사본이 갈라지면, 검증 이미지의 쌍둥이가 그 이미지를 평가할 모델을 "
                     "학습시킵니다.")),
        Param("epochs", T("Epochs", "에포크 수"), min=10, max=150, step=10),
        Param("hidden", T("Hidden units", "은닉 유닛 수"), min=8, max=128),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
    heaviest={"leak": "duplicates"},  # every image twice: the most rows to train on
)
