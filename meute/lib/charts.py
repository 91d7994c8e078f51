"""Charts drawn on the server as SVG: bars, lines, a radar and a funnel, each with its numbers as a table.

Pages build a chart here from plain numbers and render it with ``{% chart chart %}`` (``lib`` template tag
library ``charts``): no JavaScript, no CDN, nothing inline that a Content-Security-Policy would refuse
(colours come from CSS classes). Every chart carries its data as a table for screen readers and for those
who would rather read; the figures are formatted in the reader's language.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format

PALETTE_SIZE = 6  # chart__series--1 … --6 in meute.css


def _number(value, places: int | None = None) -> str:
    if value is None:
        return "—"
    if places is None:
        places = 0 if float(value) == int(value) else 2
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _float(value) -> float:
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


@dataclass
class Shape:
    """One drawn element: a bar, a point, a polygon, with its label, value and link."""

    label: str
    value: object
    text: str
    css: str = ""
    url: str = ""
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    points: str = ""
    label_x: float = 0
    label_y: float = 0
    value_x: float = 0
    value_y: float = 0


@dataclass
class Chart:
    kind: str  # "bars", "hbars", "lines", "radar", "funnel"
    title: str
    width: int
    height: int
    shapes: list = field(default_factory=list)
    series: list = field(default_factory=list)  # lines and radar: [{"name", "css", "points", "dots"}]
    grid: list = field(default_factory=list)  # guide lines and axis labels
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    empty: bool = False

    @property
    def description(self) -> str:
        return "; ".join(f"{row[0]}: {', '.join(str(c) for c in row[1:])}" for row in self.rows)


def _table(headers, rows) -> tuple[list, list]:
    return [str(h) for h in headers], [[str(c) for c in row] for row in rows]


def bar_chart(items, *, title, value_label, places=None, horizontal=False, url_for=None) -> Chart:
    """``items``: ``[(label, value)]`` or ``[(label, value, css)]``; ``url_for(label)`` links a bar."""
    items = [tuple(item) + ("",) * (3 - len(item)) for item in items]
    top = max((_float(value) for _label, value, _css in items), default=0.0)
    headers, rows = _table(("", value_label), [(label, _number(value, places)) for label, value, _ in items])
    if horizontal:
        row_height, label_width, width = 34, 200, 640
        chart = Chart("hbars", str(title), width, max(row_height * len(items), row_height) + 10)
        span = width - label_width - 90
        for index, (label, value, css) in enumerate(items):
            length = span * _float(value) / top if top else 0
            y = 5 + index * row_height
            chart.shapes.append(
                Shape(
                    str(label),
                    value,
                    _number(value, places),
                    css or f"chart__series--{index % PALETTE_SIZE + 1}",
                    url_for(label) if url_for else "",
                    x=label_width,
                    y=y + 4,
                    width=round(max(length, 1 if _float(value) else 0), 1),
                    height=row_height - 12,
                    label_x=label_width - 8,
                    label_y=y + row_height / 2 + 1,
                    value_x=round(label_width + length + 6, 1),
                    value_y=y + row_height / 2 + 1,
                )
            )
    else:
        slot, height = 90, 240
        width = max(slot * len(items) + 20, 320)
        chart = Chart("bars", str(title), width, height)
        base = 190
        for index, (label, value, css) in enumerate(items):
            bar_height = 160 * _float(value) / top if top else 0
            x = 15 + index * slot
            chart.shapes.append(
                Shape(
                    str(label),
                    value,
                    _number(value, places),
                    css or f"chart__series--{index % PALETTE_SIZE + 1}",
                    url_for(label) if url_for else "",
                    x=x,
                    y=round(base - bar_height, 1),
                    width=slot - 24,
                    height=round(bar_height, 1),
                    label_x=x + (slot - 24) / 2,
                    label_y=base + 20,
                    value_x=x + (slot - 24) / 2,
                    value_y=round(base - bar_height - 6, 1),
                )
            )
        chart.grid.append({"x1": 0, "y1": base, "x2": width, "y2": base})
    chart.headers, chart.rows, chart.empty = headers, rows, not items or top == 0
    return chart


def line_chart(labels, series, *, title, value_label, places=None) -> Chart:
    """``labels``: the x positions (periods); ``series``: ``{name: [value per label]}``."""
    labels = [str(label) for label in labels]
    width, height, left, right, top_pad, base = 640, 260, 60, 20, 20, 210
    values = [_float(v) for values in series.values() for v in values if v is not None]
    top = max(values, default=0.0)
    low = min(min(values, default=0.0), 0.0)
    chart = Chart("lines", str(title), width, height)
    span_x = (width - left - right) / max(len(labels) - 1, 1)

    def y_of(value):
        return round(base - (base - top_pad) * (_float(value) - low) / ((top - low) or 1), 1)

    for step in range(5):
        guide = low + (top - low) * step / 4
        y = y_of(guide)
        chart.grid.append({"x1": left, "y1": y, "x2": width - right, "y2": y, "text": _number(guide, 0)})
    for index, (name, points) in enumerate(series.items()):
        dots = [
            {"x": round(left + i * span_x, 1), "y": y_of(v), "text": f"{labels[i]}: {_number(v, places)}"}
            for i, v in enumerate(points)
            if v is not None
        ]
        chart.series.append(
            {
                "name": str(name),
                "css": f"chart__series--{index % PALETTE_SIZE + 1}",
                "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
                "dots": dots,
            }
        )
    chart.shapes = [
        Shape(label, None, label, label_x=round(left + i * span_x, 1), label_y=base + 22)
        for i, label in enumerate(labels)
    ]
    names = list(series)
    chart.headers, chart.rows = _table(
        (value_label, *names),
        [(label, *(_number(series[n][i], places) for n in names)) for i, label in enumerate(labels)],
    )
    chart.empty = not values
    return chart


def radar_chart(axes, series, *, title, maximum, places=None) -> Chart:
    """``axes``: the axis labels; ``series``: ``{name: [value per axis]}`` between 0 and ``maximum``."""
    axes = [str(a) for a in axes]
    size, centre, radius = 420, 210, 150
    chart = Chart("radar", str(title), size + 160, size)
    count = max(len(axes), 3)

    def point(index, fraction):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return (
            round(centre + 80 + radius * fraction * math.cos(angle), 1),
            round(centre + radius * fraction * math.sin(angle), 1),
        )

    for ring in (0.25, 0.5, 0.75, 1):
        chart.grid.append({"points": " ".join("{},{}".format(*point(i, ring)) for i in range(count))})
    for index, axis in enumerate(axes):
        x, y = point(index, 1.18)
        chart.shapes.append(Shape(axis, None, axis, label_x=x, label_y=y))
    top = _float(maximum) or 1
    for index, (name, values) in enumerate(series.items()):
        dots = [point(i, min(_float(v) / top, 1)) for i, v in enumerate(values)]
        chart.series.append(
            {
                "name": str(name),
                "css": f"chart__series--{index % PALETTE_SIZE + 1}",
                "points": " ".join(f"{x},{y}" for x, y in dots),
                "dots": [
                    {"x": x, "y": y, "text": f"{axes[i]}: {_number(values[i], places)}"}
                    for i, (x, y) in enumerate(dots)
                ],
            }
        )
    names = list(series)
    chart.headers, chart.rows = _table(
        ("", *names), [(axis, *(_number(series[n][i], places) for n in names)) for i, axis in enumerate(axes)]
    )
    chart.empty = not series
    return chart


def funnel_chart(stages, *, title, value_label, url_for=None) -> Chart:
    """``stages``: ``[(label, count)]`` from the widest to the narrowest; the share of the first is shown."""
    first = _float(stages[0][1]) if stages else 0.0
    chart = bar_chart(
        [(label, value) for label, value in stages],
        title=title,
        value_label=value_label,
        horizontal=True,
        url_for=url_for,
    )
    chart.kind = "funnel"
    for shape in chart.shapes:
        share = round(100 * _float(shape.value) / first) if first else 0
        shape.text = f"{shape.text} ({share} %)"
    return chart


def percent(value, target) -> int:
    """How far ``value`` is toward ``target``, 0–100, for progress bars."""
    value, target = _float(value), _float(target)
    if target <= 0:
        return 100 if value >= target else 0
    return max(0, min(100, round(100 * value / target)))


def grouped_bar_chart(groups, series, *, title, value_label, places=None) -> Chart:
    """``groups``: ``[(label, [value per series])]``; ``series``: the names of the bars of each group, drawn
    side by side with one colour per series and a legend."""
    series = [str(name) for name in series]
    bar, gap, base, height = 18, 26, 190, 240
    slot = bar * len(series) + gap
    width = max(slot * len(groups) + 20, 320)
    chart = Chart("groups", str(title), width, height)
    top = max((_float(v) for _label, values in groups for v in values), default=0.0)
    for index, (label, values) in enumerate(groups):
        x0 = 15 + index * slot
        for position, (name, value) in enumerate(zip(series, values, strict=True)):
            bar_height = 160 * _float(value) / top if top else 0
            chart.shapes.append(
                Shape(
                    f"{label} — {name}",
                    value,
                    _number(value, places),
                    f"chart__series--{position % PALETTE_SIZE + 1}",
                    x=x0 + position * bar,
                    y=round(base - bar_height, 1),
                    width=bar - 3,
                    height=round(bar_height, 1),
                )
            )
        chart.grid.append({"x": x0 + (slot - gap) / 2, "y": base + 20, "text": str(label)})
    chart.series = [
        {"name": name, "css": f"chart__series--{i % PALETTE_SIZE + 1}"} for i, name in enumerate(series)
    ]
    chart.headers, chart.rows = _table(
        (value_label, *series), [(label, *(_number(v, places) for v in values)) for label, values in groups]
    )
    chart.empty = not groups or top == 0
    return chart
