"""The RNN demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: training the three networks in parallel threads measured only 1.6x faster than a
plain loop, short of the 2x an engine must earn. The lesson trains them one after another on
the same batches, each with its own optimizer.
"""

from demos.framework import Demo, Param, T
from demos.rnn import figures

DEMO = Demo(
    id="rnn",
    title=T("RNN, LSTM and GRU: memory across time", "RNN, LSTM, GRU: 시간을 건너는 기억"),
    description=T(
        "Each sequence starts with a symbol the network must report at the very end, after "
        "`delay` distracting symbols. A vanilla RNN, an LSTM and a GRU train on the same batches, "
        "each with its own optimizer. Lengthen the delay and watch the vanilla RNN fall to "
        "guessing while the gated networks keep remembering; the gradient-through-time chart "
        "shows why, and the gate heatmap shows how the LSTM holds on.",
        "각 시퀀스는 맨 끝에서 답해야 하는 기호로 시작하고, 그 뒤에 방해 기호가 `delay`개 이어집니다. "
        "기본 RNN, LSTM, GRU가 같은 배치로 학습하며, 각자 자신의 옵티마이저를 씁니다. 지연을 늘리면 "
        "기본 RNN은 찍기 수준으로 떨어지고 게이트가 있는 두 신경망은 계속 기억하는 것을 볼 수 "
        "있습니다. 시간에 따른 기울기 그래프가 그 이유를, 게이트 히트맵이 LSTM이 기억을 붙잡는 "
        "방법을 보여 줍니다.",
    ),
    lesson="demos.rnn.lesson",
    params=(
        Param("delay", T("Delay T (distractor steps)", "지연 T (방해 기호 개수)"), min=1, max=100,
              help=T("How many steps the first symbol must be remembered for.",
                     "첫 기호를 기억해야 하는 스텝 수입니다.")),
        Param("steps", T("Training steps", "학습 스텝 수"), min=20, max=400, step=10,
              help=T("Mini-batches of 128 fresh sequences; all three networks see the same ones.",
                     "새 시퀀스 128개짜리 미니배치 수입니다. 세 신경망은 똑같은 배치를 봅니다.")),
        Param("hidden", T("Hidden units", "은닉 유닛 수"), min=4, max=32),
        Param("lr", T("Learning rate (Adam)", "학습률 (Adam)"), min=1e-4, max=0.1, log=True),
        Param("chrono_init", T("Chrono gate initialization", "크로노 게이트 초기화"),
              help=T("Start the LSTM forget gate and GRU update gate leaning towards 'keep' "
                     "(memory spans of 1 to 100 steps). Off: PyTorch's default (gates start "
                     "half open), and in a short run the gated networks learn slowly too.",
                     "LSTM의 망각 게이트와 GRU의 업데이트 게이트가 처음부터 '유지' 쪽으로 "
                     "기울도록 초기화합니다(기억 길이 1~100스텝). 끄면 PyTorch 기본값(게이트가 "
                     "절반쯤 열린 상태)으로 시작하며, 짧은 학습에서는 게이트 신경망도 느리게 배웁니다.")),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
)
