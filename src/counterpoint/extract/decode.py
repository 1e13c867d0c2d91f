"""Bytes to text, refusing what is not text.

Pages lie about their encoding (a `charset=iso-8859-1` header on UTF-8 bytes
is common), so valid UTF-8 wins over any declaration: non-ASCII bytes that
happen to decode as UTF-8 are almost never anything else. Declarations come
next, then statistical detection.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from counterpoint.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_GZIP_MAGIC = b"\x1f\x8b"
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])
_LATIN_GUESSES = {
    "latin_1", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14",
    "iso8859_15", "iso8859_16", "cp1250", "cp1252", "cp1254", "cp1257", "mac_roman", "mac_latin2", "cp850", "cp437",
}


def looks_binary(raw: bytes) -> bool:
    """True for bytes no news page is made of (images, PDFs, archives)."""
    head = raw[:8192]
    if not head:
        return False
    if head.startswith(_GZIP_MAGIC) or b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > 0.05


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'").lower()).name
    except LookupError:
        return None


_NON_ASCII = re.compile("[^\x00-\x7f]")


def _mostly_utf8(raw: bytes) -> str | None:
    """UTF-8 with its few broken bytes replaced, when the rest is plainly UTF-8.

    One stray byte in a UTF-8 page (a truncated copy, a bad paste) must not send the
    whole page to a code-page guess that turns every curly quote into Cyrillic.
    """
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - raw.count(b"\xef\xbf\xbd")
    good = len(_NON_ASCII.findall(text)) - bad - raw.count(b"\xef\xbf\xbd")
    return text if bad and good >= 4 * bad else None


def decode(raw: bytes, source: str, declared: str | None = None) -> str:
    """Decode a document's bytes, or raise InputError naming `source`."""
    if not raw.strip():
        raise InputError(source, "empty document")
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return raw.decode(name, errors="replace")
    if looks_binary(raw):
        raise InputError(source, "binary content, not text or HTML")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if (text := _mostly_utf8(raw)) is not None:
        return text
    match = _META_CHARSET.search(raw[:4096])
    for name in (_known(declared), _known(match.group(1).decode("ascii", "ignore")) if match else None):
        if name and name != "utf-8":
            try:
                return raw.decode(name)
            except UnicodeDecodeError:
                continue
    best = from_bytes(raw[:200_000]).best()
    encoding = best.encoding if best else "cp1252"
    if encoding in _LATIN_GUESSES:
        # Detectors confuse the Latin single-byte code pages on short texts;
        # windows-1252 is what browsers assume for undeclared pages (WHATWG).
        encoding = "cp1252"
    return raw.decode(encoding, errors="replace")
