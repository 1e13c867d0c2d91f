"""Settings shared by every reader: limits and network policy."""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint import __version__

USER_AGENT = f"counterpoint/{__version__} (news comparison research tool)"


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """What a reader may do. The defaults are safe for untrusted input."""

    max_bytes: int = 50 * 1024 * 1024  # one document, after decompression
    timeout: float = 20.0  # seconds, per HTTP request
    allow_private: bool = False  # fetch loopback / private / link-local addresses
    respect_robots: bool = True
    user_agent: str = USER_AGENT
    outlet: str | None = None  # --outlet: overrides what the source says
    fetch_links: bool = True  # follow feed entries to their pages
