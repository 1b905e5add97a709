"""Charts drawn on the server as inline SVG: no script, no inline style (the CSP allows neither), every text escaped.

Each chart is `<svg role="img">` named by its `<title>` and described by its `<desc>`; the page puts the same
figures in a table beside it, which is the text alternative screen readers and printouts rely on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup, escape

# Fills with enough contrast against white (3:1 or more) and told apart by the legend's words, not colour alone.
FILLS = ("#1d70b8", "#00703c", "#b58840", "#d4351c", "#4c2c92", "#505a5f")
WIDTH, BAR_AREA = 720, 560


@dataclass(frozen=True)
class Series:
    """One named series of a stacked chart: a value per category."""

    name: str
    values: tuple[int, ...]


def _svg(ident: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'aria-labelledby="{ident}-title {ident}-desc" focusable="false">'
            f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def stacked_columns(ident: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Columns per category (weeks), each stacked by series (outcomes), with a legend and a top value."""
    top = max([sum(s.values[i] for s in series) for i in range(len(labels))] + [1])
    height, base, plot = 300, 240, 200
    step = BAR_AREA / max(len(labels), 1)
    body = [f'<line x1="60" y1="{base}" x2="{60 + BAR_AREA}" y2="{base}" stroke="#0b0c0c"/>',
            f'<text x="54" y="{base}" text-anchor="end" font-size="12">0</text>',
            f'<text x="54" y="{base - plot + 4}" text-anchor="end" font-size="12">{top}</text>']
    for i, label in enumerate(labels):
        y = float(base)
        for n, s in enumerate(series):
            h = plot * s.values[i] / top
            if h:
                y -= h
                body.append(f'<rect x="{60 + i * step + 1:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
                            f'height="{h:.1f}" fill="{FILLS[n % len(FILLS)]}"/>')
        if i % -(-len(labels) // 7) == 0:  # at most 7 labels, so they never overlap
            body.append(f'<text x="{60 + i * step:.1f}" y="{base + 16}" font-size="11">{escape(label)}</text>')
    for n, s in enumerate(series):
        x = 20 + n * 140
        body.append(f'<rect x="{x}" y="{height - 22}" width="12" height="12" fill="{FILLS[n % len(FILLS)]}"/>'
                    f'<text x="{x + 16}" y="{height - 12}" font-size="12">{escape(s.name)}</text>')
    return _svg(ident, title, desc, height, body)


def rate_bars(ident: str, title: str, desc: str, rows: Sequence[tuple[str, Fraction, bool]],
              threshold: Fraction, threshold_label: str) -> Markup:
    """One horizontal bar per rule (label, rate 0..1, over the alert?), with the alert's rate as a line."""
    height = 40 + 22 * max(len(rows), 1)
    left, span = 220, WIDTH - 220 - 60
    body = [f'<line x1="{left}" y1="20" x2="{left}" y2="{height - 16}" stroke="#0b0c0c"/>']
    for i, (label, rate, alert) in enumerate(rows):
        y = 24 + 22 * i
        width = span * float(rate)
        body.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="12">{escape(label[:32])}</text>'
                    f'<rect x="{left}" y="{y}" width="{width:.1f}" height="16" '
                    f'fill="{FILLS[3] if alert else FILLS[0]}"/>'
                    f'<text x="{left + width + 4:.1f}" y="{y + 13}" font-size="12">{float(rate * 100):.0f}%'
                    f'{escape(" !" if alert else "")}</text>')
    x = left + span * float(threshold)
    body.append(f'<line x1="{x:.1f}" y1="16" x2="{x:.1f}" y2="{height - 16}" stroke="#0b0c0c" '
                f'stroke-dasharray="4 3"/><text x="{x + 4:.1f}" y="{height - 4}" font-size="12">'
                f'{escape(threshold_label)}</text>')
    return _svg(ident, title, desc, height, body)
