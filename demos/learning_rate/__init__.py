"""The learning-rate demo: the lesson, its knobs and its figures, joined into one `Demo`.

With an engine: the lesson trains its copies one after another with torch.optim.SGD and
torch's schedulers; the engine (engine.py) trains them as one stacked network, each copy
reading its own rate from a table. `studyapp bench learning-rate` measured it 4.4x faster
than the lesson on a busy 2-core CPU (single pairs 3.1x to 4.4x), with results that agree.

`lr_min` stops where `lr_max` starts (0.1 and 0.2), so no setting can put the smallest rate
above the largest: the page's sliders cannot offer a sweep that runs backwards.
"""

from demos.framework import Demo, Engine, Param, T
from demos.learning_rate import figures

DEMO = Demo(
    id="learning-rate",
    title=T("The learning rate: too small, too big, just right", "학습률: 너무 작을 때, 너무 클 때, 알맞을 때"),
    description=T(
        "Copies of one network learn the digits side by side, identical except for the learning "
        "rate. The smallest rates barely move, a middle one learns quickly, and the biggest "
        "bounce around or blow up. A range test sweeps the rate upward within one run, and a "
        "schedule shows what lowering the rate during training does.",
        "학습률만 다른 똑같은 신경망 여러 개가 나란히 숫자 데이터를 학습합니다. 가장 작은 학습률은 "
        "거의 움직이지 않고, 중간 학습률은 빠르게 배우며, 가장 큰 학습률은 요동치거나 발산합니다. "
        "범위 테스트는 한 번의 학습 안에서 학습률을 점점 키워 보고, 스케줄은 학습 도중 학습률을 "
        "낮추면 어떻게 되는지 보여 줍니다.",
    ),
    lesson="demos.learning_rate.lesson",
    params=(
        Param("lr_min", T("Smallest learning rate", "가장 작은 학습률"), min=1e-5, max=0.1, log=True),
        Param("lr_max", T("Largest learning rate", "가장 큰 학습률"), min=0.2, max=1000.0, log=True),
        Param("count", T("Learning rates in the sweep", "비교할 학습률 개수"), min=2, max=8,
              help=T("Spread evenly on a log scale between the smallest and the largest.",
                     "가장 작은 값과 가장 큰 값 사이에 로그 눈금에서 고른 간격으로 놓습니다.")),
        Param("steps", T("Training steps", "학습 스텝 수"), min=50, max=3000, step=50),
        Param("batch_size", T("Batch size", "배치 크기"), min=4, max=256,
              help=T("Images per step. Small batches make each step's gradient noisier.",
                     "한 스텝에 쓰는 이미지 수입니다. 배치가 작을수록 스텝마다의 기울기에 잡음이 많습니다.")),
        Param("schedule", T("Schedule", "스케줄"), choices=tuple(figures.SCHEDULES),
              choice_labels={"cosine": T("cosine", "cosine (코사인 감소)"), "step": T("step", "step (계단식 감소)")},
              help=T("cosine: glide down to 0 along half a cosine wave. step: drop to a tenth halfway.",
                     "cosine: 코사인 반 주기를 따라 0까지 서서히 낮춥니다. step: 절반 지점에서 10분의 1로 "
                     "떨어뜨립니다.")),
        Param("schedule_lr", T("Starting rate for the schedule", "스케줄의 시작 학습률"), min=1e-3, max=10.0,
              log=True, help=T("Compared against the same rate held constant.",
                               "같은 값을 계속 쓰는 경우와 비교합니다.")),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
    engine=Engine("demos.learning_rate.engine"),
)
