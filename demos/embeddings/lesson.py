"""Word vectors from a tiny corpus: word2vec's skip-gram (or CBOW) with negative sampling.

Words used in similar contexts should get similar vectors (the distributional hypothesis).
Skip-gram asks of every word and each neighbour within `window` words: is this a real (word,
context) pair? It should score the real pair high and `negatives` random noise words low, a
score being the dot product of two learned vectors. CBOW predicts the word in the middle from
the average of its context's vectors. Then: is queen the word nearest to king - man + woman?

Run it on its own:  python lesson.py
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import WORD_GROUPS, word_analogies, word_corpus

BATCH_SIZE = 512
REPORTS = 100  # about this many live pictures per run
SHOWN = [word for words in WORD_GROUPS.values() for word in words]  # the words the picture labels


class Word2Vec(nn.Module):
    """Two tables: a vector for each word as itself (the embedding we keep) and one for each
    word as a context. A (word, context) pair scores the dot product of the two."""

    def __init__(self, vocab_size, dim):
        super().__init__()
        self.pad = vocab_size  # an all-zero extra row: fills CBOW's windows at a sentence's edge
        self.words = nn.Embedding(vocab_size + 1, dim, padding_idx=self.pad)
        self.contexts = nn.Embedding(vocab_size, dim)
        with torch.no_grad():  # word2vec's start: small random word vectors, zero contexts
            self.words.weight[:-1].uniform_(-0.5 / dim, 0.5 / dim)
            self.contexts.weight.zero_()

    def forward(self, inputs, targets, negatives):
        """inputs (B, k): words whose vectors are averaged (skip-gram: the centre word, k = 1;
        CBOW: its context). targets (B,): the word to predict; negatives (B, n): noise words."""
        h = self.words(inputs).sum(1) / (inputs != self.pad).sum(1, keepdim=True)
        positive = (self.contexts(targets) * h).sum(-1)  # (B,)
        negative = (self.contexts(negatives) @ h.unsqueeze(2)).squeeze(2)  # (B, n)
        # Logistic regression: σ(score) is the belief that a pair is real.
        return -(F.logsigmoid(positive) + F.logsigmoid(-negative).sum(1)).mean()

    def vectors(self):
        return self.words.weight[:-1].detach()  # every word's embedding, without the padding row


def make_examples(sentences, window, mode, pad):
    """Skip-gram: an example per (word, neighbour); CBOW: per word, its padded neighbours."""
    inputs, targets = [], []
    for s in sentences:
        for i, word in enumerate(s):
            context = s[max(0, i - window):i] + s[i + 1:i + 1 + window]
            if mode == "cbow":
                inputs.append(context + [pad] * (2 * window - len(context)))
                targets.append(word)
            else:
                inputs += [word] * len(context)
                targets += context
    inputs = torch.tensor(inputs)
    return inputs if mode == "cbow" else inputs[:, None], torch.tensor(targets)


def analogy(vectors, a, b, c, skip_inputs=True):
    """"a is to b as c is to ?": every word's cosine with b - a + c, on unit vectors as in
    Mikolov et al. (2013). By convention, a, b and c themselves may not be the answer."""
    unit = F.normalize(vectors, dim=1)
    sims = unit @ F.normalize(unit[b] - unit[a] + unit[c], dim=0)
    if skip_inputs:
        sims[[a, b, c]] = -math.inf
    return sims


def rank(sims, answer):
    return int((sims > sims[answer]).sum()) + 1  # 1: the answer is the nearest word


def project(vectors, previous=None):
    """The words on the plane of their two largest principal components (PCA by SVD), each
    axis flipped if needed so that the picture does not mirror itself between frames."""
    u, s, _ = torch.linalg.svd(vectors - vectors.mean(0), full_matrices=False)
    xy = u[:, :2] * s[:2]
    if previous is not None:
        xy *= torch.where((xy * previous).sum(0) < 0, -1.0, 1.0)
    return xy


def train(mode="skip-gram", dim=16, window=3, negatives=5, epochs=4, sentences=2000, lr=0.02,
          *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live picture
    torch.manual_seed(seed)
    corpus = word_corpus(sentences, seed)
    vocab = sorted({word for s in corpus for word in s} | set(SHOWN))
    index = {word: i for i, word in enumerate(vocab)}
    ids = [[index[word] for word in s] for s in corpus]  # the corpus as word ids
    inputs, targets = (t.to(device) for t in make_examples(ids, window, mode, len(vocab)))
    counts = torch.bincount(torch.tensor([i for s in ids for i in s]), minlength=len(vocab))
    noise = counts.float().to(device) ** 0.75  # word2vec's noise: frequency^(3/4)

    model = Word2Vec(len(vocab), dim).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    shown = [index[word] for word in SHOWN]
    king, man, woman, queen = (index[w] for w in ("king", "man", "woman", "queen"))
    rank_at_start = rank(analogy(model.vectors(), man, king, woman), queen)
    xy = project(model.vectors()[shown])
    steps = epochs * math.ceil(len(targets) / BATCH_SIZE)
    every, step, recent, history = max(1, steps // REPORTS), 0, [], {"step": [], "loss": []}
    # Each epoch visits every example once, in a new random order.
    batches = (batch for _ in range(epochs)
               for batch in torch.randperm(len(targets), device=device).split(BATCH_SIZE))
    model.train()
    for step, batch in enumerate(batches, start=1):
        noise_words = torch.multinomial(noise, len(batch) * negatives, replacement=True)
        loss = model(inputs[batch], targets[batch], noise_words.view(len(batch), negatives))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        recent.append(loss.item())
        if step % every == 0 or step == steps:
            history["step"].append(step)
            history["loss"].append(sum(recent) / len(recent))  # the mean since the last report
            recent = []
            xy = project(model.vectors()[shown], xy)
            now = rank(analogy(model.vectors(), man, king, woman), queen)
            live = {"words": SHOWN, "xy": xy.cpu(), "rank": now}  # for the page's live picture
            if report(step, steps, {"loss": history["loss"][-1]}, **live):
                break  # the learner pressed Stop

    model.eval()
    vectors = model.vectors().cpu()  # the embedding table: one row per word
    sims = analogy(vectors, man, king, woman)
    with_inputs = analogy(vectors, man, king, woman, skip_inputs=False)
    solved = [rank(analogy(vectors, index[a], index[b], index[c]), index[d]) == 1
              for a, b, c, d in word_analogies()]  # all 72 analogies among the person words
    found = rank(sims, queen)
    metrics = {"analogy_rank": found, "analogy_correct": float(found == 1),
               "analogy_cosine": sims[queen].item(), "analogy_rank_at_start": rank_at_start,
               "analogy_rank_with_inputs": rank(with_inputs, queen),
               "analogy_accuracy": sum(solved) / len(solved), "loss": history["loss"][-1],
               "steps_run": step, "vocab_size": len(vocab), "examples": len(targets)}
    return {"metrics": metrics, "history": history, "vocab": vocab, "vectors": vectors,
            "words": SHOWN, "xy": project(vectors[shown], xy.cpu()), "with_inputs": with_inputs}

if __name__ == "__main__":
    torch.set_num_threads(1)  # small matrices: more threads would only wait for each other
    for name, value in train()["metrics"].items():
        print(f"{name:26} {value:.3f}")
