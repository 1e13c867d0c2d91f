"""The claim matrix and the findings as CSV, for spreadsheets and newsroom tools.

Every cell, headers included (outlet names come from pages), goes through
`csvcell.cell`: the text is untrusted and must never run as a formula.
"""

from __future__ import annotations

import csv
from pathlib import Path

from counterpoint.csvcell import cell
from counterpoint.model import Comparison
from counterpoint.report.html import FINDING_ORDER


def _cell(value: object) -> str:
    return "" if value is None else str(cell(value))


def write_csv(comparisons: list[Comparison], directory: str | Path) -> list[Path]:
    """Write `claims.csv` (one row per claim, one column per outlet) and `findings.csv` into `directory`.

    Outlet columns are the union over all the stories, in order of first
    appearance, so several stories fit one sheet; an outlet absent from a
    story is left empty rather than marked "absent".
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    outlets = list(dict.fromkeys(o for c in comparisons for o in c.outlets))
    claims_path, findings_path = out / "claims.csv", out / "findings.csv"
    with claims_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["story", "claim", "text", *(_cell(o) for o in outlets)])
        for c in comparisons:
            for claim in c.claims:
                w.writerow([_cell(c.story), _cell(claim.id), _cell(claim.text),
                            *(_cell(claim.outlets.get(o, "")) for o in outlets)])
    rank = {t: i for i, t in enumerate(FINDING_ORDER)}
    with findings_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["story", "finding", "type", "summary", "confidence", "outlets", "absent", "claims", "evidence"])
        for c in comparisons:
            outlet_of = {a.id: a.outlet for a in c.articles}
            for f in sorted(c.findings, key=lambda f: rank.get(f.type, 99)):  # within a type, as compared
                evidence = " | ".join(f"{outlet_of.get(e.article, e.article)}: {e.span.text}" for e in f.evidence)
                w.writerow([_cell(c.story), _cell(f.id), f.type, _cell(f.summary), f"{f.confidence:.3f}",
                            _cell("; ".join(f.outlets)), _cell("; ".join(f.absent)), _cell("; ".join(f.claims)),
                            _cell(evidence)])
    return [claims_path, findings_path]
