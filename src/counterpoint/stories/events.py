"""The articles a user names, as one story unless they are plainly about different events.

A fact-checker who passes four reports of one event to `compare` wants one
comparison, not fragments: the streaming grouper is tuned to keep look-alike
events of a whole archive apart, and with a handful of articles it splits a
story as soon as two reports share few indexed terms. Here the question is
smaller: do any two of these articles share enough words (names weighted, no
IDF, since a few articles carry no document frequencies) to be about the same
thing? Articles are linked when they do, and only articles no chain of links
reaches form another story.

The threshold (a term-weight cosine of 0.12) was chosen on the 36 keyed
stories (every one stays one story) and on 55 mixes of two different ECB+ dev
events from different topics (53 are split correctly); two look-alike events
of one topic (two earthquakes) mostly stay together, which is why a user can
still split them with the archive grouper (`counterpoint compare` without
sources) or force one story with `--one-story`.
"""

from __future__ import annotations

from collections.abc import Sequence

from counterpoint.stories.features import Featurizer, dot
from counterpoint.stories.grouping import StoryInput

LINK = 0.12


def events(articles: Sequence[StoryInput], link: float = LINK) -> list[list[int]]:
    """Groups of article indices, each group one event, in order of first appearance."""
    featurizer = Featurizer()
    vectors = [featurizer.vector(featurizer.counts(a.title, a.text)[0]) for a in articles]
    parent = list(range(len(articles)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(len(articles)):
        for j in range(i):
            if find(i) != find(j) and dot(vectors[i], vectors[j]) >= link:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(articles)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())
