"""The comparison as one JSON document: the stable, versioned form every other view is built from.

The layout is described field by field in docs/comparison-schema.md and as a
JSON Schema in `comparison.schema.json` beside this module; `schema_version`
changes whenever a field changes meaning or goes away (adding fields does not).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from counterpoint import __version__
from counterpoint.model import Comparison

COMPARISON_SCHEMA_VERSION = 1


def comparison_document(comparisons: Sequence[Comparison]) -> dict[str, Any]:
    return {
        "schema_version": COMPARISON_SCHEMA_VERSION,
        "counterpoint_version": __version__,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "stories": [c.to_dict() for c in comparisons],
    }


def read_comparison_document(document: dict[str, Any]) -> list[Comparison]:
    """The comparisons of a document this tool wrote (for reports built from a saved JSON file)."""
    if document.get("schema_version") != COMPARISON_SCHEMA_VERSION:
        raise ValueError(f"unsupported comparison schema_version {document.get('schema_version')!r}")
    return [Comparison.from_dict(d) for d in document.get("stories") or []]


@cache
def json_schema() -> dict[str, Any]:
    return json.loads(files("counterpoint.report").joinpath("comparison.schema.json").read_text(encoding="utf-8"))
