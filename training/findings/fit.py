"""Small, exact model fitting in numpy (no scikit-learn at run time or in training): logistic regression
by Newton's method with an L2 penalty, standardised inputs, and the ranking metrics used to choose settings."""

from __future__ import annotations

import numpy as np


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def logistic(x: np.ndarray, y: np.ndarray, l2: float | np.ndarray = 1.0, weights: np.ndarray | None = None,
             iters: int = 50) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-penalised logistic regression on already standardised `x`."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    sw = np.ones(n) if weights is None else weights
    reg = np.zeros(d + 1)
    reg[:-1] = l2  # one penalty for every weight, or one per weight
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        g = xb.T @ (sw * (p - y)) + reg * w
        h = (xb * (sw * p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def average_precision(scores: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    hits = y[order]
    if hits.sum() == 0:
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / hits.sum())


def best_f1(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The best F1 over thresholds, and that threshold."""
    order = np.argsort(-scores, kind="stable")
    tp = np.cumsum(y[order])
    k = np.arange(1, len(y) + 1)
    f1 = 2 * tp / (k + y.sum())
    i = int(np.argmax(f1))
    return float(f1[i]), float(scores[order][i])


def folds(names: list[str], k: int = 5, seed: int = 13) -> list[list[str]]:
    """Story-level folds: every story in exactly one, deterministic."""
    rng = np.random.default_rng(seed)
    order = list(rng.permutation(sorted(names)))
    return [order[i::k] for i in range(k)]
