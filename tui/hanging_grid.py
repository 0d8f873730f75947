"""A rich grid whose last column wraps under itself (a hanging indent), for the views that list
dated lines of AWS text (a service's events, Auto Scaling activities)."""

from __future__ import annotations

from rich.table import Table


def hanging_grid(fixed: int) -> Table:
    """Rows of ``fixed`` leading columns (the first an age, right-aligned) and a last one that
    wraps within itself (a hanging indent): what a Text cannot do."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(justify="right", no_wrap=True, min_width=6)
    for _ in range(fixed - 1):
        grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    return grid
