"""The task-definition panes' rows: a family (its newest revision's registration, size and
images) and a revision."""

from __future__ import annotations

from rich.text import Text

from aws import taskdef_history
from aws.models import TaskDefinition, TaskDefinitionFamily
from aws.taskdef_history import RevisionRef
from tui.text import age, natural_key, safe, short_arn, utc_stamp
from tui.widgets.live_table import Row

#: ACTIVE before LATEST: sort letters go in column order, and LATEST's first free one is A.
FAMILY_COLUMNS = [
    ("family", "FAMILY"),
    ("active", "ACTIVE"),
    ("latest", "LATEST"),
    ("registered", "REGISTERED"),
    ("size", "CPU / MEMORY"),
    ("images", "IMAGES"),
]
REVISION_COLUMNS = [
    ("revision", "REVISION"),
    ("status", "STATUS"),
    ("mark", "MARK"),
    ("registered", "REGISTERED"),
    ("images", "IMAGES"),
    ("size", "CPU / MEMORY"),
]
STATUS_STYLE = {"ACTIVE": "green", "INACTIVE": "dim", "DELETE_IN_PROGRESS": "yellow"}


def family_row(family: TaskDefinitionFamily, td: TaskDefinition | None) -> Row:
    """A family: its ACTIVE revisions, the newest one's number, and what the newest holds ("…"
    until its body is read)."""
    if td is not None:
        when = age(taskdef_history.registered_at(td))
        size, images = taskdef_history.size(td), ", ".join(taskdef_history.container_tags(td))
    else:
        when = size = images = "…"
    cells = (
        safe(family.name, "bold", 80),
        Text(str(family.active_revisions)),
        Text(str(family.latest_revision)),
        safe(when, limit=20),
        safe(size, limit=20),
        safe(images, limit=80),
    )
    hay = f"{family.name} {images}".lower()
    return Row(family.name, cells, hay, (natural_key(family.name),))


def revision_row(
    ref: RevisionRef, td: TaskDefinition | None, *, current: bool = False, marked: bool = False
) -> Row:
    """A revision: its status, whether it is the service's current one or the one marked for a
    diff, and what it holds ("…" until its body is read)."""
    marks = []
    if current:
        marks.append("● current")
    if marked:
        marks.append("◆ marked")
    if td is not None:
        at = taskdef_history.registered_at(td)
        when = f"{age(at)} ago · {utc_stamp(at)}" if at else "-"
        images, size = ", ".join(taskdef_history.container_tags(td)), taskdef_history.size(td)
    else:
        when = images = size = "…"
    cells = (
        safe(short_arn(ref.arn), "bold", 80),
        safe(ref.status, STATUS_STYLE.get(ref.status, ""), 20),
        safe("  ".join(marks), "bold cyan", 24),
        safe(when, limit=40),
        safe(images, limit=60),
        safe(size, limit=20),
    )
    hay = f"{short_arn(ref.arn)} {ref.status} {' '.join(marks)} {images}".lower()
    return Row(ref.arn, cells, hay, (-ref.revision,))
