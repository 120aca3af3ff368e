"""The word-embedding demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: a default run is a few hundred small batches (1.6 s warm in `studyapp bench` on a
busy 2-core CPU), and there are no variants for a stacked network to train side by side.
"""

from demos.framework import Demo, Param, T
from demos.embeddings import figures

DEMO = Demo(
    id="embeddings",
    title=T("Word embeddings: word2vec from scratch", "단어 임베딩: word2vec 직접 학습하기"),
    description=T(
        "Skip-gram with negative sampling learns a vector for every word of a small corpus of "
        "generated sentences (\"the queen lives in the palace\", \"the cat eats fish\"). Watch the "
        "words move on a two-dimensional projection as they train: words used in similar contexts "
        "gather. At the end the demo measures, not assumes, whether queen is the word nearest to "
        "king − man + woman. Switch to CBOW, shrink the vectors or the corpus, and compare.",
        "네거티브 샘플링을 쓰는 스킵그램(skip-gram)이 생성한 문장(\"the queen lives in the palace\", "
        "\"the cat eats fish\")으로 이루어진 작은 말뭉치에서 단어마다 벡터를 학습합니다. 학습하는 동안 "
        "단어들이 2차원 투영 위에서 움직이며, 비슷한 문맥에서 쓰이는 단어끼리 모이는 모습을 지켜보십시오. "
        "끝나면 king − man + woman에 가장 가까운 단어가 queen인지를 가정하지 않고 직접 잽니다. CBOW로 "
        "바꾸거나, 벡터나 말뭉치를 줄여 보고 비교해 보십시오.",
    ),
    lesson="demos.embeddings.lesson",
    params=(
        Param("mode", T("Model", "모델"), choices=("skip-gram", "cbow"), choice_labels=figures.MODES,
              help=T("Skip-gram: the word predicts each neighbour, one example per (word, neighbour) "
                     "pair. CBOW: the average of the neighbours' vectors predicts the word, one "
                     "example per word.",
                     "스킵그램: 단어가 이웃 단어를 하나씩 예측하며, (단어, 이웃) 쌍마다 예제가 하나입니다. "
                     "CBOW: 이웃 단어 벡터의 평균이 가운데 단어를 예측하며, 단어마다 예제가 하나입니다.")),
        Param("dim", T("Embedding dimension", "임베딩 차원"), min=2, max=64,
              help=T("Numbers per word vector. One-hot vectors would need one per word of the "
                     "vocabulary.",
                     "단어 벡터 하나에 들어가는 숫자의 개수입니다. 원-핫 벡터라면 어휘의 단어 수만큼 "
                     "필요합니다.")),
        Param("window", T("Context window", "문맥 윈도우"), min=1, max=5,
              help=T("How many words on each side count as a word's context.",
                     "단어 양쪽으로 몇 단어까지를 문맥으로 볼지 정합니다.")),
        Param("negatives", T("Negative samples per example", "예제당 네거티브 샘플 수"), min=1, max=20,
              help=T("Noise words drawn with probability ∝ frequency^(3/4), each to be scored low.",
                     "빈도^(3/4)에 비례하는 확률로 뽑은 잡음 단어이며, 각각 낮은 점수를 받도록 학습합니다.")),
        Param("epochs", T("Epochs", "에포크 수"), min=1, max=10),
        Param("sentences", T("Sentences in the corpus", "말뭉치의 문장 수"), min=200, max=5000, step=100,
              help=T("Generated from templates: three in four about a person, the rest about an animal.",
                     "템플릿으로 생성합니다. 넷 중 셋은 사람에 관한 문장이고, 나머지는 동물에 관한 "
                     "문장입니다.")),
        Param("lr", T("Learning rate (Adam)", "학습률 (Adam)"), min=1e-3, max=0.3, log=True),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
    live_picture=figures.live_picture,
    # The most examples: skip-gram makes one per (word, neighbour) pair.
    heaviest={"mode": "skip-gram"},
)
