"""NO_COLOR that keeps trouble readable.

Textual's NO_COLOR filter (Monochrome) turns each colour into the grey of its lightness: red is a
dark colour, so ``✗ 1`` and ``0/1 +1p`` in bold red became grey 237 on grey 235, the failures the
least visible thing on screen. This filter does the same, except that a coloured text which
would end up grey on a grey of about the same lightness is drawn bold in the colour that stands
out from its background instead (light on dark, dark on light); reversed text (``✗ STALE``)
thus reads as a light block. Greys (muted text, placeholders) keep the grey they asked for.
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import Monochrome, monochrome_style

#: Below this lightness difference (0 to 1) a grey text on a grey background is unreadable.
MIN_CONTRAST = 0.35


def _chromatic(color: Color) -> bool:
    _hue, saturation, lightness = color.hsl
    return saturation > 0.25 and 0.08 < lightness < 0.92


@lru_cache(1024)
def readable_style(style: Style, background: Color) -> Style:
    mono = monochrome_style(style)
    if style.color is None or style.color.is_default or mono.color is None:
        return mono
    if not _chromatic(Color.from_rich_color(style.color)):
        return mono
    back = Color.from_rich_color(mono.bgcolor) if mono.bgcolor else background.monochrome
    if abs(Color.from_rich_color(mono.color).brightness - back.brightness) >= MIN_CONTRAST:
        return mono
    fore = Color(230, 230, 230) if back.brightness < 0.5 else Color(20, 20, 20)
    return mono + Style(color=fore.rich_color, bold=True, dim=False)


class ReadableMonochrome(Monochrome):
    """Monochrome, with coloured text never left grey on grey."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, None if style is None else readable_style(style, background), None)
            for text, style, _ in segments
        ]


def install(app: object) -> None:
    """Swap Textual's Monochrome filter (set up when NO_COLOR is set) for this one."""
    filters = getattr(app, "_filters", None)
    if filters is None:
        return
    for i, line_filter in enumerate(filters):
        if type(line_filter) is Monochrome:
            filters[i] = ReadableMonochrome()
