"""The batch-size demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: the stacked engine (every batch size in one network with a hand-written backward)
measured 1.7x to 1.9x the lesson in `studyapp bench batch-size` on a quiet 2-core CPU, under
the 2x an engine must earn, so the app runs the lesson.
"""

from demos.batch_size import figures
from demos.framework import Demo, Param, T

DEMO = Demo(
    id="batch-size",
    title=T("Batch size: noisy small steps, smooth big ones", "배치 크기: 잡음 많은 작은 스텝, 매끄러운 큰 스텝"),
    description=T(
        "The same network learns the digits with plain SGD for the same number of epochs, once "
        "per batch size. Small batches take many noisy steps per epoch; the full batch takes a "
        "single smooth one. Compare the loss curves, the steps and time per epoch, and the final "
        "accuracy.",
        "같은 신경망이 같은 에포크 수 동안 일반 SGD로 숫자 데이터를 학습하며, 배치 크기만 다릅니다. "
        "작은 배치는 에포크마다 잡음 섞인 스텝을 여러 번 밟고, 전체 배치는 매끄러운 스텝을 한 번만 "
        "밟습니다. 손실 곡선, 에포크당 스텝 수와 시간, 최종 정확도를 비교해 보십시오.",
    ),
    lesson="demos.batch_size.lesson",
    params=(
        Param("batch_sizes", T("Batch sizes", "배치 크기"), choices=figures.PRESETS,
              choice_labels={preset: T(preset, preset.replace("full", "full (전체)")) for preset in figures.PRESETS},
              help=T("'full' means the whole training set (1437 images) in one batch.",
                     "'full'은 훈련 세트 전체(1437장)를 한 배치로 쓴다는 뜻입니다.")),
        Param("epochs", T("Epochs", "에포크 수"), min=1, max=100),
        Param("lr", T("Learning rate (SGD)", "학습률 (SGD)"), min=1e-4, max=10.0, log=True,
              help=T("The same for every batch size.", "모든 배치 크기에 같은 값을 씁니다.")),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
)
