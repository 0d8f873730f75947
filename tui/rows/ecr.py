"""The ECR panes' rows: a repository, and an image with its size, scan findings and USED BY."""

from __future__ import annotations

from rich.text import Text

from aws.ecr_models import Image, Repository
from tui.text import age, natural_key, safe
from tui.widgets.live_table import Row

REPO_COLUMNS = [("name", "REPOSITORY"), ("uri", "URI"), ("age", "CREATED")]
IMAGE_COLUMNS = [
    ("tags", "TAGS"),
    ("digest", "DIGEST"),
    ("pushed", "PUSHED"),
    ("size", "SIZE"),
    ("scan", "SCAN"),
    ("used", "USED BY"),
]
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED")


UNITS = (("GB", 1e9), ("MB", 1e6), ("kB", 1e3))


def repo_row(r: Repository) -> Row:
    cells = (safe(r.name, "bold", 60), safe(r.uri, limit=100), Text(age(r.created_at)))
    return Row(r.arn, cells, r.name.lower(), (natural_key(r.name),))


def scan_cell(im: Image) -> Text:
    """``2 HIGH 5 MEDIUM 3 LOW`` worst first (red with CRITICAL or HIGH), else the scan status
    (``COMPLETE`` with no findings, ``IN_PROGRESS``, ``FAILED``), ``-`` when never scanned."""
    counts = {k: v for k, v in im.scan_findings.items() if v}
    if counts:
        ranked = sorted(counts, key=lambda k: (k not in SEVERITIES, [*SEVERITIES, k].index(k)))
        text = " ".join(f"{counts[k]} {k[:4] if k == 'INFORMATIONAL' else k}" for k in ranked)
        bad = bool(counts.get("CRITICAL") or counts.get("HIGH"))
        return safe(text, "red" if bad else "", 60)
    status = im.scan_status or "-"
    return safe(status, "green" if status == "COMPLETE" else "dim", 30)


#: USED BY when no cluster was named or open: which services is a question about one cluster.
NO_CLUSTER = "no cluster open"


def used_cell(names: list[str] | None) -> Text:
    """Service names, ``…`` until read, ``-`` for none."""
    if names == [NO_CLUSTER]:
        return Text(NO_CLUSTER, style="dim")
    if names is None:
        return Text("…", style="dim")
    if not names:
        return Text("-", style="dim")
    return safe(", ".join(names), "cyan", 60)


def size_text(n: int | None) -> str:
    if n is None:
        return "-"
    return next((f"{n / scale:.1f} {unit}" for unit, scale in UNITS if n >= scale), f"{n} B")


def image_row(im: Image, position: int, used: list[str] | None = None) -> Row:
    size = size_text(im.size_bytes)
    cells = (
        safe(", ".join(im.tags) or "(untagged)", "bold", 60),
        safe(im.digest.removeprefix("sha256:")[:12], limit=14),
        Text(age(im.pushed_at)),
        Text(size, justify="right"),
        scan_cell(im),
        used_cell(used),
    )
    hay = f"{' '.join(im.tags)} {im.digest} {' '.join(used or [])}".lower()
    return Row(im.digest, cells, hay, (position,))
