import codecs

import pytest

from counterpoint.errors import InputError
from counterpoint.extract.decode import decode

TEXT = "Café naïve déjà vu — Peskov said “no”."


def test_valid_utf8_wins_over_a_wrong_declaration():
    raw = f'<meta charset="iso-8859-1"><p>{TEXT}</p>'.encode()
    assert TEXT in decode(raw, "page.html", declared="iso-8859-1")


def test_undeclared_latin_text_decodes_as_windows_1252():
    raw = "<p>Café naïve déjà vu, a page with no charset at all and some accented words.</p>".encode("cp1252")
    assert "Café naïve déjà vu" in decode(raw, "page.html")


def test_declared_charset_is_used_when_bytes_are_not_utf8():
    raw = '<meta charset="koi8-r"><p>Пресс-секретарь Кремля Дмитрий Песков</p>'.encode("koi8-r")
    assert "Дмитрий Песков" in decode(raw, "page.html")


def test_utf16_with_bom():
    raw = codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")
    assert decode(raw, "page.txt") == TEXT


@pytest.mark.parametrize(
    ("raw", "problem"),
    [(b"", "empty document"), (b"  \n\t ", "empty document"), (bytes(range(256)) * 20, "binary content"),
     (b"\x1f\x8b\x08\x00garbage", "binary content"), (b"%PDF-1.4\x00\x01\x02", "binary content")],
)
def test_unreadable_bytes_get_one_line_errors(raw, problem):
    with pytest.raises(InputError) as info:
        decode(raw, "bad.html")
    assert str(info.value).startswith("bad.html: ") and problem in str(info.value)
    assert "\n" not in str(info.value)
