"""What the page draws and says for the word-embedding demo, in English and Korean: the words on
a plane (live while training, and at the end), the analogy, similarities and neighbours."""

from __future__ import annotations

import itertools

from typing import Any, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from demos.data import PEOPLE, WORD_GROUPS
from demos.framework import LiveChart, Metric, Progress, Result, T, Value, accuracy
from demos.plots import PALETTE, style

GROUPS = {  # the groups of demos.data.WORD_GROUPS, as the legend names them
    "people": T("people", "사람"),
    "pronouns": T("pronouns (he, she, his, her)", "대명사 (he, she, his, her)"),
    "royal": T("royal words", "왕실 단어"),
    "common": T("common-folk words", "서민 단어"),
    "young": T("child words", "아이 단어"),
    "adult": T("adult words", "어른 단어"),
    "animals": T("animals", "동물"),
    "sounds and food": T("animal sounds and food", "동물 울음소리와 먹이"),
}
GROUP_OF = {word: group for group, words in WORD_GROUPS.items() for word in words}
COLORS = dict(zip(GROUPS, (PALETTE[1], PALETTE[6], PALETTE[4], PALETTE[2], PALETTE[5], PALETTE[3],
                           PALETTE[0], "#8c8c8c")))
PROBES = ("queen", "boy", "palace", "plays", "cat", "fish")  # the words whose neighbours are listed
HEATMAP_WORDS = (*PEOPLE, "dog", "cat", "cow", "horse", "bird")
EDGES = ((T("edge: male ↔ female", "모서리: 남성 ↔ 여성"), PALETTE[1]),
         (T("edge: royal ↔ common", "모서리: 왕실 ↔ 서민"), PALETTE[2]),
         (T("edge: adult ↔ child", "모서리: 어른 ↔ 아이"), PALETTE[0]))  # one per fact of demos.data.PEOPLE
MODES = {"skip-gram": T("skip-gram", "스킵그램(skip-gram)"), "cbow": T("CBOW", "CBOW")}

LIVE = LiveChart(
    x_title=T("training step", "학습 스텝"),
    y_title=T("loss (mean over the steps since the last point)", "손실 (직전 점 이후 스텝의 평균)"),
    names={"loss": T("training loss (negative sampling)", "훈련 손실 (네거티브 샘플링)")},
)

# What the page and the predictions call each measured number.
METRICS = {
    "analogy_rank": Metric(T("queen's rank among the words nearest to king − man + woman",
                             "king − man + woman에 가까운 단어 중 queen의 순위"), "count"),
    "analogy_correct": Metric(T("queen is the word nearest to king − man + woman",
                                "king − man + woman에 가장 가까운 단어가 queen임"), "flag"),
    "analogy_cosine": Metric(T("cosine of queen with king − man + woman", "queen과 king − man + woman의 코사인 유사도")),
    "analogy_rank_at_start": Metric(T("queen's rank before training", "학습 전 queen의 순위"), "count"),
    "analogy_rank_with_inputs": Metric(T("queen's rank if the input words may answer",
                                         "입력 단어도 답이 될 수 있을 때 queen의 순위"), "count"),
    "analogy_accuracy": accuracy(T("share of the 72 person-word analogies solved",
                                   "사람 단어 유추 72개 중 푼 비율")),
    "loss": Metric(T("final training loss (negative sampling)", "최종 훈련 손실 (네거티브 샘플링)")),
    "steps_run": Metric(T("training steps run", "학습한 스텝 수"), "count"),
    "vocab_size": Metric(T("vocabulary size", "어휘 크기"), "count"),
    "examples": Metric(T("training examples per epoch", "에포크당 훈련 예제 수"), "count"),
}


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    mode, rank, acc = MODES[str(settings["mode"])], int(m["analogy_rank"]), 100 * m["analogy_accuracy"]
    steps, dim, cos, start = int(m["steps_run"]), int(settings["dim"]), m["analogy_cosine"], int(m["analogy_rank_at_start"])
    if rank == 1:
        found = T("queen is the word nearest to king − man + woman",
                  "king − man + woman에 가장 가까운 단어는 queen입니다")
    else:
        found = T(f"queen is only number {rank} among the words nearest to king − man + woman",
                  f"king − man + woman에 가까운 단어 중 queen은 {rank}번째에 그칩니다")
    return T(
        f"After {steps} steps of {mode.en} with {dim}-dimensional vectors, {found.en} (cosine "
        f"{cos:.2f}; before training it ranked {start}), and {acc:.0f}% of the 72 analogies among "
        f"the person words are solved.",
        f"{dim}차원 벡터와 {mode.ko} 방식으로 {steps} 스텝 학습한 결과, {found.ko}(코사인 {cos:.2f}, 학습 전에는 "
        f"{start}번째). 사람 단어 사이의 유추 72개 중 {acc:.0f}%를 풀었습니다.",
    )


LABEL_SPOTS = ("top center", "bottom center", "middle right", "middle left")  # neighbours' labels apart


def word_map(words: Sequence[str], xy: Any, lang: str, title: str) -> go.Figure:
    """The words on the plane of the two largest principal components, coloured by group."""
    xy = np.asarray(xy, dtype=float)
    at = {word: xy[i] for i, word in enumerate(words)}
    fig = go.Figure()
    for group, label in GROUPS.items():
        members = [w for w in words if GROUP_OF.get(w) == group]
        fig.add_trace(go.Scatter(
            x=[at[w][0] for w in members], y=[at[w][1] for w in members], mode="markers+text",
            text=members, textposition=[LABEL_SPOTS[i % 4] for i in range(len(members))], name=label(lang),
            textfont={"color": COLORS[group], "size": 14}, marker={"color": COLORS[group], "size": 9}))
    fig.update_xaxes(title_text=T("principal component 1", "주성분 1")(lang), zeroline=False)
    fig.update_yaxes(title_text=T("principal component 2", "주성분 2")(lang), zeroline=False)
    return style(fig, height=640, title=title)


def principal_axes(vectors: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """The rows on their k largest principal components (PCA by SVD), and the share of the
    variance those components hold."""
    u, s, _ = np.linalg.svd(vectors - vectors.mean(0), full_matrices=False)
    return u[:, :k] * s[:k], float((s[:k] ** 2).sum() / (s ** 2).sum())


def live_picture(progress: Progress, lang: str) -> go.Figure | None:
    """The words as the lesson last reported them (None before the first report)."""
    words, xy = progress.live.get("words"), progress.live.get("xy")
    if words is None or xy is None:
        return None
    rank = progress.live.get("rank")
    title = T(f"Word vectors at step {progress.done} (PCA); king − man + woman: queen ranks {rank}",
              f"{progress.done} 스텝의 단어 벡터 (PCA). king − man + woman에서 queen의 순위 {rank}")(lang)
    fig = word_map(words, xy, lang, title)
    fig.update_layout(uirevision="live")  # keep the learner's zoom between redraws
    return fig


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [map_figure(result, lang), people_figure(result, lang), analogy_figure(result, lang),
            similarity_figure(result, lang), neighbours_figure(result, lang), loss_figure(result, lang)]


def map_figure(result: Result, lang: str) -> go.Figure:
    d = result.data
    title = T(f"Word vectors after {int(result.metrics['steps_run'])} steps: the two largest principal "
              f"components of {d['vectors'].shape[1]} dimensions",
              f"{int(result.metrics['steps_run'])} 스텝 뒤의 단어 벡터: {d['vectors'].shape[1]}차원 중 가장 큰 "
              f"주성분 두 개")(lang)
    return word_map(d["words"], d["xy"], lang, title)


def people_figure(result: Result, lang: str) -> go.Figure:
    """The eight person words alone, on their own three largest principal components, with the
    twelve edges of the cube their three facts make: parallel edges of equal length are the
    regularity that analogies use."""
    d = result.data
    people = list(PEOPLE)
    xyz, share = principal_axes(np.asarray(d["vectors"], dtype=float)[[d["vocab"].index(w) for w in people]], 3)
    at = dict(zip(people, xyz))
    fig = go.Figure()
    for fact, (name, color) in enumerate(EDGES):
        xs, ys, zs = [], [], []
        for a, b in itertools.combinations(people, 2):
            differ = [i for i in range(3) if PEOPLE[a][i] != PEOPLE[b][i]]
            if differ == [fact]:
                for axis, values in enumerate((xs, ys, zs)):
                    values += [at[a][axis], at[b][axis], None]
        fig.add_trace(go.Scatter3d(x=xs, y=ys, z=zs, mode="lines", name=name(lang),
                                   line={"color": color, "width": 6}, opacity=0.8))
    fig.add_trace(go.Scatter3d(
        x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], mode="markers+text", text=people, showlegend=False,
        textposition="middle right", textfont={"size": 17}, marker={"size": 6, "color": PALETTE[6]}))
    low, high = xyz.min(0), xyz.max(0)
    pad = 0.35 * (high - low) + 1e-9  # room for the labels: text outside the axes' box is cut off
    scene = {name: {"showticklabels": False, "range": [low[k] - pad[k], high[k] + pad[k]],
                    "title": {"text": T(f"PC {k + 1}", f"주성분 {k + 1}")(lang), "font": {"size": 14}}}
             for k, name in enumerate(("xaxis", "yaxis", "zaxis"))}
    fig.update_layout(scene={**scene, "aspectmode": "cube", "domain": {"x": [0, 1], "y": [0, 1]},
                             "camera": {"eye": {"x": 1.25, "y": 1.25, "z": 0.85}}})
    return style(fig, height=640, title=T(
        f"The eight person words on their three largest principal components ({100 * share:.0f}% of "
        f"their variance): parallel edges are the directions analogies use",
        f"사람 단어 여덟 개의 가장 큰 주성분 세 개 (분산의 {100 * share:.0f}%): 평행한 모서리가 유추에 쓰이는 "
        f"방향입니다")(lang))


def analogy_figure(result: Result, lang: str) -> go.Figure:
    """The words nearest to king − man + woman, the three input words included (in grey)."""
    d, m = result.data, result.metrics
    sims = np.asarray(d["with_inputs"], dtype=float)
    order = np.argsort(-sims)[:10]
    words = [d["vocab"][i] for i in order]
    inputs = ("king", "man", "woman")
    colors = [PALETTE[1] if w == "queen" else "#b0b0b0" if w in inputs else PALETTE[0] for w in words]
    fig = go.Figure(go.Bar(x=words, y=sims[order], marker_color=colors, showlegend=False,
                           text=[f"{s:.2f}" for s in sims[order]], textposition="outside", cliponaxis=False))
    for name, color in ((T("queen, the expected answer", "기대하는 답 queen"), PALETTE[1]),
                        (T("an input word (king, man, woman): excluded by convention",
                           "입력 단어 (king, man, woman): 관례상 답에서 제외"), "#b0b0b0"),
                        (T("another word", "다른 단어"), PALETTE[0])):
        fig.add_trace(go.Bar(x=[None], y=[None], marker_color=color, name=name(lang)))
    low = min(0.0, float(sims[order].min()))
    fig.update_yaxes(title_text=T("cosine with king − man + woman", "king − man + woman과의 코사인")(lang),
                     range=[low, 1.12])
    fig.update_xaxes(title_text=T("the 10 nearest words", "가장 가까운 단어 10개")(lang))
    rank, candidates = int(m["analogy_rank"]), int(m["vocab_size"]) - 3
    return style(fig, height=500, title=T(
        f"king − man + woman ≈ ?  queen ranks {rank} of {candidates} candidates "
        f"({int(m['analogy_rank_with_inputs'])} if the input words may answer)",
        f"king − man + woman ≈ ?  queen은 후보 {candidates}개 중 {rank}번째 "
        f"(입력 단어도 답이 될 수 있다면 {int(m['analogy_rank_with_inputs'])}번째)")(lang))


def similarity_figure(result: Result, lang: str) -> go.Figure:
    """Cosine similarity between person and animal words (one-hot vectors would give 0 off the
    diagonal)."""
    d = result.data
    rows = [d["vocab"].index(w) for w in HEATMAP_WORDS]
    cos = cosines(np.asarray(d["vectors"], dtype=float)[rows])
    fig = go.Figure(go.Heatmap(
        z=cos, x=list(HEATMAP_WORDS), y=list(HEATMAP_WORDS), zmin=-1, zmax=1, colorscale="RdBu_r",
        texttemplate="%{z:.2f}", textfont={"size": 11},
        colorbar={"title": {"text": T("cosine", "코사인")(lang), "side": "right"}}))
    fig.update_yaxes(autorange="reversed", title_text=T("word", "단어")(lang))
    fig.update_xaxes(title_text=T("word", "단어")(lang))
    return style(fig, height=640, legend_below=False, title=T(
        "Cosine similarity of the learned vectors (one-hot vectors: 1 on the diagonal, 0 elsewhere)",
        "학습된 벡터의 코사인 유사도 (원-핫 벡터라면 대각선은 1, 나머지는 모두 0)")(lang))


def cosines(vectors: Any) -> np.ndarray:
    """Cosine similarity between every two rows."""
    v = np.asarray(vectors, dtype=float)
    unit = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return unit @ unit.T


def neighbours(result: Result, word: str, k: int = 5) -> list[tuple[str, float]]:
    """The k words nearest to `word` by cosine similarity, with their cosines."""
    vocab = result.data["vocab"]
    row = cosines(result.data["vectors"])[vocab.index(word)]
    order = [i for i in np.argsort(-row) if vocab[i] != word][:k]
    return [(vocab[i], float(row[i])) for i in order]


def neighbours_figure(result: Result, lang: str, k: int = 5) -> go.Figure:
    """A table: a few words and their nearest neighbours by cosine."""
    found = {word: neighbours(result, word, k) for word in PROBES}
    columns = [list(PROBES)] + [[f"{found[w][j][0]} ({found[w][j][1]:.2f})" for w in PROBES] for j in range(k)]
    header = [T("word", "단어")(lang)] + [T(f"neighbour {j + 1}", f"이웃 {j + 1}")(lang) for j in range(k)]
    fig = go.Figure(go.Table(
        header={"values": header, "font": {"size": 15}, "fill_color": "#e8eef6", "align": "left", "height": 32},
        cells={"values": columns, "font": {"size": 15}, "align": "left", "height": 32}))
    return style(fig, height=360, title=T("Nearest neighbours by cosine similarity (cosine in brackets)",
                                          "코사인 유사도로 찾은 가장 가까운 이웃 (괄호 안은 코사인)")(lang))


def loss_figure(result: Result, lang: str) -> go.Figure:
    history = result.data["history"]
    fig = go.Figure(go.Scatter(x=history["step"], y=history["loss"], mode="lines",
                               name=LIVE.name("loss", lang), line={"color": PALETTE[0], "width": 2.5}))
    fig.update_yaxes(range=[0, 1.05 * max(history["loss"])])
    fig.update_xaxes(title_text=T("training step", "학습 스텝")(lang))
    fig.update_yaxes(title_text=T("loss", "손실")(lang))
    return style(fig, height=420, title=T("Training loss: the true pair against the noise words",
                                          "훈련 손실: 진짜 쌍 대 잡음 단어")(lang))
