"""counterpoint: who said what, on whose authority, across news outlets.

The small public API. Each stage is a function over the data model in
`counterpoint.model`; the store and the CLI are built on these.
"""

from __future__ import annotations

__version__ = "0.1.0"

from counterpoint.errors import InputError
from counterpoint.model import Article, Document, Removal, Span

__all__ = ["Article", "Document", "InputError", "Removal", "Span", "__version__"]
