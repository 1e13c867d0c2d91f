"""The small logistic models the comparison learns (claim pairs, salience, real speakers), in one shape.

Each is a logistic regression over named, standardised features, stored as JSON next to the code
with its feature names, so a model trained on other features is refused rather than misread. A
model adds its own decision thresholds as further fields; `training/findings/` fits them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import ClassVar, Self

import numpy as np

from counterpoint.models import ModelMissing

_ARRAYS = ("mean", "scale", "weights")


@dataclass(frozen=True, slots=True)
class Logistic:
    """Weights over `FEATURES` (inputs standardised by `mean` and `scale`), stored at `PATH`."""

    FEATURES: ClassVar[tuple[str, ...]] = ()
    PATH: ClassVar[Path]
    WHAT: ClassVar[str]  # "the claim-pair model", for error messages
    SCRIPT: ClassVar[str]  # the script that retrains it

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        """P(positive) of each row of features."""
        if len(x) == 0:
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-(((x - self.mean) / self.scale) @ self.weights + self.bias)))

    def to_dict(self) -> dict:
        out: dict = {"features": list(self.FEATURES)}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.tolist() if f.name in _ARRAYS else value
        return out

    @classmethod
    def from_dict(cls, d: dict) -> Self:
        if list(d["features"]) != list(cls.FEATURES):
            raise ModelMissing(f"{cls.PATH}: trained on other features; retrain with {cls.SCRIPT}")
        args = {f.name: np.asarray(d[f.name], dtype=np.float64) if f.name in _ARRAYS else float(d[f.name])
                for f in fields(cls) if f.name in d}
        return cls(**args)

    @classmethod
    def load(cls) -> Self:
        if not cls.PATH.is_file():
            raise ModelMissing(f"{cls.WHAT} is missing ({cls.PATH}); retrain it with python {cls.SCRIPT}")
        return cls.from_dict(json.loads(cls.PATH.read_text(encoding="utf-8")))
