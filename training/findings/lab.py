"""The findings lab: keyed stories analysed once, compared many times, scored by the shared scorer.

Analysing a story (extraction, spaCy, attribution) takes seconds; comparing it takes a
fraction of that. Choosing the settings of `compare` by story-level cross-validation
means comparing every story many times, so each story is ingested and analysed once
into a cached store (`~/.cache/counterpoint-train/stores/`, keyed by the analysis code),
and only the comparison runs again. The comparison JSON goes to a folder the shared
scorer reads with `--pred`; nothing here is ever written inside the repository (the
comparisons hold article text).

Used by `bench/findings.py` and `training/findings/*.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("COUNTERPOINT_TRAIN_CACHE") or Path.home() / ".cache" / "counterpoint-train")


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared").resolve()


def dev_stories() -> Path:
    return shared_dir() / "data" / "findings" / "dev"


def train_stories() -> Path:
    """Our own keyed stories, their article files rebuilt from the shared corpora (outside the repository)."""
    out = CACHE / "train-stories"
    keys = ROOT / "training" / "findings" / "keys"
    stamp = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(keys.rglob("*.json")))).hexdigest()[:16]
    if (out / ".stamp").exists() and (out / ".stamp").read_text() == stamp:
        return out
    subprocess.run([sys.executable, str(shared_dir() / "data" / "findings" / "rebuild.py"), str(keys), str(out)],
                   check=True)
    (out / ".stamp").write_text(stamp)
    return out


def story_dirs(root: Path) -> list[Path]:
    return sorted(d for d in root.iterdir() if (d / "gold.json").is_file())


def article_files(story: Path) -> list[Path]:
    return sorted(story.glob("a*.txt"), key=lambda p: int(p.stem[1:]))


def _analysis_stamp() -> str:
    """Changes whenever the code that extraction and analysis run changes (then stores are rebuilt)."""
    src = ROOT / "src" / "counterpoint"
    files = sorted([*(src / "analyse").glob("*.py"), *(src / "extract").glob("*.py"), *(src / "ingest").glob("*.py"),
                    src / "models" / "__init__.py", src / "models" / "titles.py",
                    src / "models" / "attribution" / "frames.json"])
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()[:12]


def analysed_store(story: Path) -> Path:
    """A store holding the story's articles, extracted and analysed (built once per analysis code)."""
    from counterpoint.ingest import IngestOptions
    from counterpoint.store import Store
    from counterpoint.workflow import ingest_sources

    db = CACHE / "stores" / _analysis_stamp() / f"{story.parent.name}-{story.name}.db"
    if db.exists():
        return db
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_suffix(".tmp.db")
    for p in tmp.parent.glob(tmp.name + "*"):
        p.unlink()
    with Store(tmp) as store:
        report = ingest_sources(store, [str(p) for p in article_files(story)], IngestOptions())
        if report.errors or report.not_analysed:
            raise RuntimeError(f"{story}: {report.errors + report.not_analysed}")
    tmp.rename(db)
    return db


def compare_story_dir(story: Path, compare: Callable | None = None) -> dict:
    """The comparison JSON document `counterpoint compare <the story's files> --json` would write."""
    from counterpoint.report.json_report import comparison_document
    from counterpoint.store import Store
    from counterpoint.workflow import compare_stored

    with Store(analysed_store(story)) as store:
        ids = [a.id for a in store.articles(with_analysis=False)]
        comparisons = (compare or compare_stored)(store, ids)
    return comparison_document(comparisons)


def write_predictions(stories: Iterable[Path], out: Path, compare: Callable | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for story in stories:
        (out / f"{story.name}.json").write_text(json.dumps(compare_story_dir(story, compare), ensure_ascii=False),
                                                encoding="utf-8")


def score(stories_root: Path, pred: Path | None = None, cmd: str | None = None, only: Iterable[str] = ()) -> dict:
    """The shared scorer's numbers (its --json), and its printed table under "table"."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = stories_root
        names = list(only)
        if names:  # the scorer takes a folder: link the chosen stories into one
            root = Path(tmp) / "stories"
            root.mkdir()
            for n in names:
                (root / n).symlink_to(stories_root / n)
        args = [sys.executable, str(shared_dir() / "eval" / "score_findings.py"), str(root), "--json",
                str(Path(tmp) / "s.json")]
        args += ["--pred", str(pred)] if pred else ["--cmd", cmd or "counterpoint compare"]
        proc = subprocess.run(args, capture_output=True, text=True)
        result = json.loads((Path(tmp) / "s.json").read_text()) if (Path(tmp) / "s.json").exists() else {}
        result["table"] = proc.stdout
        return result
