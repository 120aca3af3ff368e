"""The transfer-learning demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: the lesson's nine small trainings (three ways to learn the new task, three numbers
of labels) are plain mini-batch loops with nothing a faster path could stack or fuse for 2x.
"""

from demos.framework import Demo, Param, T
from demos.transfer import figures

DEMO = Demo(
    id="transfer",
    title=T("Transfer learning", "전이 학습"),
    description=T(
        "A small CNN first learns the handwritten digits 0–4. Then it must learn 5–9 from only 10, "
        "50 or all labelled images per class, three ways: with its pretrained layers frozen and a "
        "new head, fine-tuned, or from scratch. See when the head start from pretraining pays: "
        "with few labels or with many, on digits that sit anywhere on a page or centred, and "
        "across a domain gap (the new digits inverted or rotated).",
        "작은 CNN이 먼저 손글씨 숫자 0~4를 배웁니다. 이어서 클래스당 레이블 달린 이미지 10개, 50개, "
        "또는 전부로 숫자 5~9를 세 가지 방법으로 배웁니다. 사전 학습한 층을 고정하고 새 헤드만 "
        "학습하거나, 미세 조정하거나, 처음부터 학습합니다. 레이블이 적을 때와 많을 때, 숫자가 "
        "페이지 아무 곳에나 있을 때와 가운데 있을 때, 도메인 차이(새 숫자가 반전되거나 회전됨)가 "
        "있을 때 사전 학습의 앞선 출발이 언제 이득이 되는지 확인하십시오.",
    ),
    lesson="demos.transfer.lesson",
    params=(
        Param("pretrain_steps", T("Pretraining steps (digits 0–4)", "사전 학습 스텝 수 (숫자 0~4)"),
              min=0, max=600, step=10,
              help=T("Mini-batches of 64 digits 0–4. At 0 the 'pretrained' layers keep their random "
                     "weights: what do frozen random features give?",
                     "숫자 0~4 64개짜리 미니배치 수입니다. 0이면 '사전 학습한' 층이 무작위 가중치 그대로 "
                     "남습니다. 고정한 무작위 특징으로는 얼마나 맞힐 수 있습니까?")),
        Param("steps", T("Training steps per run (digits 5–9)", "실행마다의 학습 스텝 수 (숫자 5~9)"),
              min=10, max=400, step=10,
              help=T("Each of the nine runs (3 ways × 3 numbers of labels) takes this many steps on "
                     "batches of up to 64 of its labelled images.",
                     "아홉 번의 실행(3가지 방법 × 3가지 레이블 수)이 각각 자기 레이블 이미지로 만든 최대 "
                     "64개짜리 배치로 이만큼 학습합니다.")),
        Param("lr", T("Learning rate (Adam): head, scratch, pretraining",
                      "학습률 (Adam): 헤드, 처음부터 학습, 사전 학습"), min=1e-4, max=0.1, log=True),
        Param("finetune_lr", T("Learning rate of the pretrained layers when fine-tuning",
                               "미세 조정할 때 사전 학습한 층의 학습률"), min=1e-5, max=0.1, log=True,
              help=T("Usually smaller than the head's, so the pretrained features are adjusted, not "
                     "overwritten.",
                     "사전 학습한 특징을 덮어쓰지 않고 조금씩 고치도록 보통 헤드의 학습률보다 작게 "
                     "잡습니다.")),
        Param("moved", T("Digits anywhere on a 12×12 page", "숫자를 12×12 페이지의 아무 곳에나"),
              help=T("On for both tasks: the networks must find the strokes wherever they are. Off: "
                     "centred 8×8 digits, an easier task.",
                     "켜면 두 과제 모두 숫자가 아무 곳에나 놓여, 신경망이 어디에 있든 획을 찾아야 "
                     "합니다. 끄면 가운데 정렬된 8×8 숫자로, 더 쉬운 과제입니다.")),
        Param("gap", T("Domain gap for the new task", "새 과제의 도메인 차이"),
              choices=("none", "inverted", "rotated"),
              choice_labels={"none": T("none", "없음"),
                             "inverted": T("inverted (dark digits on light)", "반전 (밝은 바탕에 어두운 숫자)"),
                             "rotated": T("rotated a quarter turn", "90도 회전")},
              help=T("The digits 5–9 look different from the digits pretraining saw.",
                     "숫자 5~9가 사전 학습 때 본 숫자와 다르게 보입니다.")),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
)
