"""The attention demo: a tiny Transformer reverses digit sequences while the page redraws where
each output position looks. The lesson, its knobs and its figures, joined into one `Demo`.

No engine: one small model trains in one loop, a default run takes about a second on a 2-core
CPU, and there are no copies of a network for a stacked engine to batch together.
"""

from demos.attention import figures
from demos.framework import Demo, Param, T

DEMO = Demo(
    id="attention",
    title=T("Attention: a tiny Transformer reverses digits", "어텐션: 숫자를 뒤집는 작은 트랜스포머"),
    description=T(
        "A one-layer Transformer, written out by hand (queries, keys, values, softmax, heads), "
        "learns to reverse sequences of 8 digits. The picture shows its attention weights for one "
        "test sequence: row i is output position i, and the dark square in each row is the input "
        "it fetches. Watch the map sharpen into the diagonal from top right to bottom left. Then "
        "switch off the positional encoding, add a causal mask, or change the number of heads, "
        "and see what breaks.",
        "손으로 풀어 쓴(쿼리, 키, 값, 소프트맥스, 헤드) 한 층짜리 트랜스포머가 숫자 8개로 된 "
        "시퀀스를 뒤집는 법을 배웁니다. 그림은 테스트 시퀀스 하나에 대한 어텐션 가중치입니다. i번째 "
        "행은 출력 위치 i이고, 각 행에서 진한 칸이 그 위치가 가져오는 입력입니다. 지도가 오른쪽 "
        "위에서 왼쪽 아래로 내려가는 대각선으로 또렷해지는 것을 지켜보십시오. 그다음 위치 인코딩을 "
        "끄거나, 인과 마스크를 켜거나, 헤드 수를 바꾸어 무엇이 망가지는지 보십시오.",
    ),
    lesson="demos.attention.lesson",
    params=(
        Param("task", T("Task", "과제"), choices=tuple(figures.TASKS), choice_labels=figures.TASKS,
              help=T("reverse: output i is input 7 − i. copy: output i is input i (no attention "
                     "needed). sort: the digits in increasing order.",
                     "reverse(뒤집기): 출력 i는 입력 7 − i입니다. copy(복사): 출력 i는 입력 i입니다 "
                     "(어텐션이 필요 없습니다). sort(정렬): 숫자를 작은 것부터 늘어놓습니다.")),
        Param("positions", T("Positional encoding", "위치 인코딩"), choices=tuple(figures.POSITIONS),
              choice_labels=figures.POSITIONS,
              help=T("sinusoidal: fixed sine and cosine waves (Vaswani et al., 2017). learned: one "
                     "trained vector per position (as in GPT and BERT). none: the model sees which "
                     "digits there are, but not where they stand.",
                     "sinusoidal(사인파): 고정된 사인·코사인 파동입니다(Vaswani 등, 2017). "
                     "learned(학습): 위치마다 학습되는 벡터 하나입니다(GPT, BERT 방식). none(없음): "
                     "모델은 어떤 숫자가 있는지만 알고 어디에 있는지는 모릅니다.")),
        Param("heads", T("Attention heads", "어텐션 헤드 수"), min=1, max=4,
              help=T("The model width is split among the heads: each head has d_model / heads "
                     "features and draws its own map. The parameter count stays the same.",
                     "모델 폭을 헤드들이 나누어 씁니다. 헤드마다 d_model / 헤드 수만큼의 특징을 갖고 "
                     "자기만의 지도를 그립니다. 파라미터 수는 그대로입니다.")),
        Param("causal", T("Causal mask", "인과 마스크"),
              help=T("Position i may attend only to positions 0 … i, as in a GPT decoder.",
                     "위치 i는 위치 0 … i에만 어텐션할 수 있습니다. GPT 디코더와 같습니다.")),
        Param("layers", T("Transformer blocks", "트랜스포머 블록 수"), min=1, max=2),
        Param("d_model", T("Model width d_model", "모델 폭 d_model"), min=12, max=96, step=12,
              help=T("A multiple of 12, so 1, 2, 3 or 4 heads divide it evenly.",
                     "12의 배수라서 헤드 1, 2, 3, 4개로 똑같이 나눌 수 있습니다.")),
        Param("steps", T("Training steps", "학습 스텝 수"), min=20, max=600, step=10,
              help=T("Batches of 64 fresh random sequences.", "무작위로 새로 만든 시퀀스 64개짜리 배치 수입니다.")),
        Param("lr", T("Learning rate (Adam)", "학습률 (Adam)"), min=1e-4, max=3e-2, log=True),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
    live_picture=figures.live_picture,
)
