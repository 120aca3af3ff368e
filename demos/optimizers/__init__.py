"""The optimizers demo: the lesson, its knobs and its figures, joined into one `Demo`.

With an engine: the lesson steps five points and then five networks one after another with
torch.optim; the engine (engine.py) moves all five as one tensor with the five update rules
written as one element-wise formula. `studyapp bench optimizers` measured it 3.3x faster than
the lesson on a busy 2-core CPU (single pairs 3.1x to 3.8x), with surface paths equal to 1e-15.
"""

from demos.framework import Demo, Engine, Param, T
from demos.optimizers import figures

DEMO = Demo(
    id="optimizers",
    title=T("Optimizers race: SGD, momentum, AdaGrad, RMSProp, Adam",
            "옵티마이저 경주: SGD, 모멘텀, AdaGrad, RMSProp, Adam"),
    description=T(
        "Five optimizers start at the same point of a 2-D loss surface and walk downhill. On the "
        "saddle, plain SGD slides into the saddle point and stalls where the gradient vanishes, "
        "while the others escape. Then the same five train one small network on handwritten digits.",
        "다섯 옵티마이저가 2차원 손실 곡면의 같은 지점에서 출발해 내리막을 따라 움직입니다. 안장점 "
        "곡면에서 일반 SGD는 기울기가 사라지는 안장점으로 미끄러져 들어가 멈춰 버리지만, 나머지는 "
        "빠져나옵니다. 이어서 같은 다섯 옵티마이저가 손글씨 숫자를 분류하는 작은 신경망을 학습합니다.",
    ),
    lesson="demos.optimizers.lesson",
    params=(
        Param("surface", T("Loss surface", "손실 곡면"), choices=tuple(figures.SURFACE_NAMES),
              choice_labels=figures.SURFACE_NAMES,
              help=T("Saddle point: a saddle between two minima. Rosenbrock: a curved 'banana' "
                     "valley. Ill-conditioned bowl: a valley curved 200 times more sharply across (y) "
                     "than along (x).",
                     "안장점: 두 최솟값 사이의 안장. 로젠브록: 휘어진 '바나나' 골짜기. 악조건 그릇: "
                     "골짜기를 가로지르는 방향(y)의 곡률이 골짜기를 따라가는 방향(x)보다 200배 "
                     "큰 골짜기입니다.")),
        Param("steps", T("Steps on the surface", "곡면 위 스텝 수"), min=10, max=2000, step=10),
        Param("lr_scale", T("Learning-rate multiplier", "학습률 배율"), min=0.01, max=100.0, log=True,
              help=T("Every optimizer has its own sensible learning rate (shown in the legend); "
                     "this multiplies all of them.",
                     "옵티마이저마다 알맞은 학습률이 따로 있습니다(범례에 표시). 이 값을 모두에 곱합니다.")),
        Param("momentum", T("Momentum β", "모멘텀 β"), min=0.0, max=0.99, step=0.01,
              help=T("How much of its previous velocity the momentum optimizer keeps each step.",
                     "모멘텀 옵티마이저가 매 스텝 이전 속도를 얼마나 유지할지 정합니다.")),
        Param("custom_start", T("Choose the starting point", "시작점 직접 정하기"),
              help=T("Off: each surface's own starting point. On: start at (start x, start y).",
                     "끄면 곡면마다 정해진 시작점을, 켜면 (시작 x, 시작 y)를 씁니다.")),
        Param("start_x", T("Start x", "시작 x"), min=-5.0, max=5.0, step=0.1),
        Param("start_y", T("Start y", "시작 y"), min=-3.0, max=3.0, step=0.001),
        Param("digits_steps", T("Training steps on the digits", "숫자 데이터 학습 스텝 수"),
              min=10, max=3000, step=10),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
    engine=Engine("demos.optimizers.engine"),
)
