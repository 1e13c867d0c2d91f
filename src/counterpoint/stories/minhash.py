"""Near-duplicate and wire-copy detection: MinHash over word shingles, banded LSH.

A wire story reprinted by ten outlets is one source, not ten: copies must be
found and flagged, and finding them must not cost more as the archive grows.
MinHash signatures estimate the Jaccard similarity of two bodies' word
shingles in constant time, and banding the signature (LSH) finds the few
earlier bodies that could be copies without scanning the rest. Hashes are
stable across processes (CRC-32 plus fixed-seed multiply-shift), so the same
input always gives the same answer.
"""

from __future__ import annotations

import re
import zlib
from collections import deque

import numpy as np

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def body_tokens(text: str) -> list[str]:
    """Lower-cased words: punctuation and spacing changes between copies do not matter."""
    return _WORD.findall(text.lower())


class MinHasher:
    """Signatures of `num_perm` values over `shingle`-word shingles."""

    def __init__(self, num_perm: int = 128, shingle: int = 3, seed: int = 1729) -> None:
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.shingle = shingle
        # Odd multipliers for multiply-shift hashing; uint64 arithmetic wraps, which is the point.
        self._a = (rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1))
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        self._mix = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
                              0x85EBCA77C2B2AE63, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB],
                             dtype=np.uint64)

    def signature(self, tokens: list[str]) -> np.ndarray | None:
        """The signature of a body, or None when it is too short to say anything about copying."""
        k = self.shingle
        if len(tokens) < k + 2:
            return None
        th = np.fromiter((zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64, count=len(tokens))
        n = len(tokens) - k + 1
        with np.errstate(over="ignore"):
            sh = np.zeros(n, dtype=np.uint64)
            for i in range(k):
                sh = (sh ^ th[i : i + n]) * self._mix[i % len(self._mix)]
            sh = np.unique(sh)
            values = (self._a[:, None] * sh[None, :] + self._b[:, None]) & _MASK64
        return (values >> np.uint64(32)).min(axis=1).astype(np.uint32)


def jaccard_estimate(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


class DuplicateIndex:
    """Banded LSH over signatures, holding at most `capacity` bodies (oldest dropped first).

    Each body is filed under `bands` keys; a later body sharing any key is a
    candidate and is confirmed by its estimated Jaccard similarity. The
    capacity and `remove` (called when a story retires) keep memory bounded;
    a bucket holds at most `bucket_cap` bodies so one boiler-plate text cannot
    make lookups slow.
    """

    def __init__(self, num_perm: int = 128, bands: int = 32, capacity: int = 50_000, bucket_cap: int = 32) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.bands = bands
        self.rows = num_perm // bands
        self.capacity = capacity
        self.bucket_cap = bucket_cap
        self._buckets: dict[tuple[int, bytes], list[str]] = {}
        self._entries: dict[str, tuple[np.ndarray, list[tuple[int, bytes]]]] = {}
        self._order: deque[str] = deque()

    def __len__(self) -> int:
        return len(self._entries)

    def _keys(self, sig: np.ndarray) -> list[tuple[int, bytes]]:
        r = self.rows
        return [(i, sig[i * r : (i + 1) * r].tobytes()) for i in range(self.bands)]

    def query(self, sig: np.ndarray, threshold: float) -> tuple[str, float] | None:
        """The earliest indexed body at least `threshold` similar, with its similarity."""
        seen: set[str] = set()
        best: tuple[str, float] | None = None
        best_rank = -1
        for key in self._keys(sig):
            for doc in self._buckets.get(key, ()):
                if doc in seen:
                    continue
                seen.add(doc)
                entry = self._entries.get(doc)
                if entry is None:
                    continue
                sim = jaccard_estimate(sig, entry[0])
                if sim >= threshold:
                    # Prefer the most similar; ties go to the earliest, the likely original.
                    rank = int(sim * 1000)
                    if best is None or rank > best_rank:
                        best, best_rank = (doc, sim), rank
        return best

    def add(self, doc: str, sig: np.ndarray) -> None:
        keys = self._keys(sig)
        for key in keys:
            bucket = self._buckets.setdefault(key, [])
            if len(bucket) < self.bucket_cap:
                bucket.append(doc)
        self._entries[doc] = (sig, keys)
        self._order.append(doc)
        while len(self._entries) > self.capacity and self._order:
            self.remove(self._order.popleft())
        if len(self._order) > 2 * self.capacity:
            # Ids removed through `remove` linger in the order queue; compact it now and then.
            self._order = deque(d for d in self._order if d in self._entries)

    def remove(self, doc: str) -> None:
        entry = self._entries.pop(doc, None)
        if entry is None:
            return
        for key in entry[1]:
            bucket = self._buckets.get(key)
            if bucket is None:
                continue
            try:
                bucket.remove(doc)
            except ValueError:
                continue
            if not bucket:
                del self._buckets[key]
