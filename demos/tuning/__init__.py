"""The hyperparameter-search demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: each trial is a separate small training run with its own hyperparameters, and the
lesson's plain loop is what a student should read; nothing here is slow enough to hide.
"""

from demos.framework import Demo, Param, T
from demos.tuning import figures

DEMO = Demo(
    id="tuning",
    title=T("Hyperparameter search: grid, random, successive halving",
            "하이퍼파라미터 탐색: 그리드, 랜덤, 연속 반감법"),
    description=T(
        "Three searches get the same budget of training epochs to tune a small digit classifier: "
        "the learning rate and one more hyperparameter. Grid search tries every combination of a "
        "few values, random search draws each trial at random, and successive halving starts many "
        "cheap trials and gives the most epochs to the best. Every trial is a real training run, "
        "scored on validation digits; the test digits only report on the three winners.",
        "세 가지 탐색이 같은 학습 에포크 예산으로 작은 숫자 분류기의 학습률과 하이퍼파라미터 하나를 더 "
        "조정합니다. 그리드 서치는 몇 개의 값을 모든 조합으로 시도하고, 랜덤 서치는 시행마다 값을 "
        "무작위로 뽑으며, 연속 반감법은 값싼 시행을 많이 시작한 뒤 가장 좋은 것에 에포크를 몰아줍니다. "
        "모든 시행은 실제 학습이며 검증 숫자로 점수를 매기고, 테스트 숫자는 세 우승자의 성능을 보고하는 "
        "데만 씁니다.",
    ),
    lesson="demos.tuning.lesson",
    params=(
        Param("grid_points", T("Grid values per hyperparameter (k)", "그리드의 하이퍼파라미터당 값 개수 (k)"),
              min=2, max=4,
              help=T("The grid tries k × k configurations; random search gets as many trials, "
                     "successive halving starts 3 × k × k.",
                     "그리드는 k × k개의 설정을 시도합니다. 랜덤 서치도 같은 수만큼 시행하고, 연속 "
                     "반감법은 3 × k × k개로 시작합니다.")),
        Param("epochs", T("Epochs per full trial", "시행 하나의 전체 에포크 수"), min=9, max=27, step=9,
              help=T("Grid and random trials train this long; successive halving starts at a ninth "
                     "of it. Each search's budget is k × k × epochs.",
                     "그리드와 랜덤의 시행은 이만큼 학습하고, 연속 반감법은 그 9분의 1에서 시작합니다. "
                     "탐색마다 예산은 k × k × 에포크 수입니다.")),
        Param("second", T("Second hyperparameter", "두 번째 하이퍼파라미터"),
              choices=("weight_decay", "hidden"),
              choice_labels={"weight_decay": T("weight decay, 0.00001 to 0.01", "가중치 감쇠, 0.00001~0.01"),
                             "hidden": T("hidden units, 8 to 128", "은닉 유닛 수, 8~128")},
              help=T("Searched together with the learning rate, also on a log scale.",
                     "학습률과 함께, 역시 로그 눈금으로 탐색합니다.")),
        Param("lr_min", T("Smallest learning rate", "가장 작은 학습률"), min=1e-4, max=0.1, log=True),
        Param("lr_max", T("Largest learning rate", "가장 큰 학습률"), min=0.2, max=10.0, log=True,
              help=T("Narrow the range around the best rates of a first, wide search: coarse to fine.",
                     "넓게 한 번 탐색한 뒤 가장 좋았던 학습률 주변으로 범위를 좁혀 보십시오: "
                     "거친 탐색에서 세밀한 탐색으로.")),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
)
