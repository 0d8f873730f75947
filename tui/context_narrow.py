"""`:profile` and `:region` when the app watches several contexts: they narrow the view.

With one context they switch the app to another profile or region (tui/app.py
``switch_account``). With several, an on-call engineer who types `:region eu-west-1` during an
incident in Europe wants to look at Europe, not to lose the other accounts' readers, budgets
and problems and have to restart with the flags: so the view narrows to the contexts of that
region (as `:ctx` does), and nothing is closed. The other axis is kept: `:region eu-west-1` then
`:profile staging` shows staging in eu-west-1 (if staging has no context in the regions in
view, all of staging's). ``*`` widens that axis again (`:profile *`); `:ctx` then ``a`` shows
every context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from tui.text import clean

if TYPE_CHECKING:
    from aws.contexts import Context
    from tui.deck import DeckApp

Axis = Literal["profile", "region"]


def value(context: Context, axis: Axis) -> str:
    return (context.profile or "default") if axis == "profile" else context.region


def values(app: DeckApp, axis: Axis) -> list[str]:
    """The run's profiles (or regions), in the order they were asked for."""
    states = app.contexts.states if app.contexts is not None else []
    return list(dict.fromkeys(value(s.context, axis) for s in states))


def narrowed(app: DeckApp, axis: Axis, name: str) -> frozenset[Context] | None:
    """The contexts of ``name`` on ``axis`` within the other axis's values in view (none
    there: all of ``name``'s); ``*``: every value of ``axis``. None: every context."""
    states = app.contexts.states if app.contexts is not None else []
    every = [s.context for s in states]
    other: Axis = "region" if axis == "profile" else "profile"
    in_view = {value(c, other) for c in (app.contexts_shown or every)}
    if name == "*":
        chosen = [c for c in every if value(c, other) in in_view]
    else:
        matching = [c for c in every if value(c, axis) == name]
        chosen = [c for c in matching if value(c, other) in in_view] or matching
    return None if len(chosen) == len(every) else frozenset(chosen)


async def narrow_to(app: DeckApp, axis: Axis, name: str | None) -> None:
    """`:profile [NAME]` / `:region [NAME]` across contexts (no NAME: a picker of the run's)."""
    names = values(app, axis)
    if name is None:
        from tui.screens.dialogs.picker import PickerScreen

        title = f"Show the contexts of one {axis}"
        name = await app.push_screen_wait(PickerScreen(title, [*names, "*"]))
        if not name:
            return
    if name != "*" and name not in names:
        words = f"{name!r} is not a {axis} of this run ({', '.join(names)})."
        words += f" Start ecsdeck with --{axis}s to add it; :ctx lists the contexts."
        app.notify(clean(words, 400), severity="warning", markup=False)
        return
    chosen = narrowed(app, axis, name)
    app.contexts_shown = chosen
    total = len(app.contexts.states) if app.contexts is not None else 0
    shown = total if chosen is None else len(chosen)
    what = "every" if name == "*" else name
    words = f"Showing {shown} of {total} contexts ({axis} {what}; :ctx lists them, a shows all)."
    app.notify(clean(words, 300), markup=False)
    await app.show("clusters", aws=None)
