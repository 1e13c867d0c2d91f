"""Each kind of bad page, as a real file through the real command: one clear line, the batch goes on."""

from conftest import run_cli

ARTICLE = ("<html><head><title>Fine</title></head><body><article><p>Kremlin spokesman Dmitry Peskov said on Friday"
           " that the phrase was not said during the conversation, and that the reports were not true.</p>"
           "</article></body></html>")


def test_bad_pages_each_get_one_line_and_good_ones_still_come_out(tmp_path):
    files = {
        "deep.html": "<html><body>" + "<div>" * 5000 + "<p>deep text</p>" + "</div>" * 5000 + "</body></html>",
        "notags.html": "just some words with no markup at all",
        "scripts.html": "<html><body><script>var x = 1;</script><style>p{}</style></body></html>",
        "good.html": ARTICLE,
    }
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    (tmp_path / "binary.html").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "latin1.html").write_bytes(
        ARTICLE.replace("Friday", "Friday in Café Pouchkine, déjà").encode("cp1252"))
    (tmp_path / "wrong-charset.html").write_bytes(
        ARTICLE.replace("<head>", '<head><meta charset="iso-8859-1">').replace("Friday", "Friday — “déjà”").encode())
    names = ["deep.html", "notags.html", "scripts.html", "binary.html", "latin1.html", "wrong-charset.html",
             "good.html"]
    result = run_cli("extract", *(str(tmp_path / n) for n in names))
    assert result.returncode == 1
    err = result.stderr.decode().splitlines()
    assert err[0] == "4 document(s) failed:"
    assert err[1:] == [
        f"  {tmp_path / 'deep.html'}: HTML nested more than 255 levels deep, no article text above that",
        f"  {tmp_path / 'notags.html'}: not HTML (no tags); give it a .txt name to read it as plain text",
        f"  {tmp_path / 'scripts.html'}: no article text found in the page",
        f"  {tmp_path / 'binary.html'}: binary content, not text or HTML",
    ]
    out = result.stdout.decode()
    assert "Café Pouchkine, déjà" in out and "“déjà”" in out and out.count('"title": "Fine"') == 3


def test_script_and_handlers_never_reach_the_text(tmp_path):
    page = ARTICLE.replace("<p>", "<p onclick=\"alert(1)\"><script>alert('x')</script>")
    (tmp_path / "p.html").write_text(page)
    result = run_cli("extract", str(tmp_path / "p.html"))
    assert result.returncode == 0 and b"alert" not in result.stdout
