"""Server-made SVG charts: pure geometry, no Django, no database.

Each function takes already formatted data (a label, a number and the text to show for it)
and returns a frozen dataclass with every coordinate the template in `templates/charts/`
needs, so the templates only draw. The same dataclasses feed the dashboard, the staff page
and the council PDF, so a chart and its data table never disagree.

Colour never carries meaning alone: every bar has its value written beside it, every series
has a pattern of its own (`PATTERNS`) and a legend entry, and the staircase names each step
and writes the markers («Omforent nivå», «Mål», «Neste mål») as text.

Coordinates are in SVG user units of a viewBox about 400 wide; the CSS scales the SVG to
its column, so at 200 % zoom text grows with the page like any other text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

type Number = int | float | Decimal

WIDTH = 320  # the viewBox width of the bar charts
FONT = 14  # label and value text, in user units
LINE = 18  # one line of text
CHAR = 0.56 * FONT  # an average character of Inter at FONT, for fitting text
VALUE_SPACE = 90  # room right of the longest bar for its value
BAR = 20  # the thickness of a bar
GROUP_BAR = 14  # the thickness of each bar in a group
ROW_GAP = 12

# Fill, stroke and pattern per series: a solid fill, diagonal stripes, dots, cross-hatch,
# horizontal lines, a checker. Colours pass 3:1 against white (WCAG 1.4.11).
PATTERNS: tuple[tuple[str, str], ...] = (
    ("solid", "#1e5a99"),
    ("stripes", "#8a4b00"),
    ("dots", "#2f6b3a"),
    ("cross", "#6b3fa0"),
    ("lines", "#a3294a"),
    ("checker", "#3d5361"),
)


def _number(value: Number | None) -> float:
    return 0.0 if value is None else float(value)


def _text_width(text: str, font: float = FONT) -> float:
    return len(text) * 0.56 * font


def wrap(text: str, max_chars: int) -> list[str]:
    """Split a label into lines of at most `max_chars` (a longer word keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class Datum:
    """One value to draw: its label, the number (None: no data) and the text shown for it."""

    label: str
    value: Number | None
    display: str = ""

    @property
    def text(self) -> str:
        if self.display:
            return self.display
        return "–" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Series:
    """A named series in a stacked or grouped chart (for example an innovation type)."""

    key: str
    name: str


@dataclass(frozen=True)
class Swatch:
    """A legend entry: the series' pattern, drawn as a small square before its name."""

    name: str
    pattern: str  # the pattern's id suffix (see PATTERNS)
    colour: str
    x: float
    y: float

    @property
    def text_x(self) -> float:
        return self.x + 22

    @property
    def text_y(self) -> float:
        return self.y + 13


@dataclass(frozen=True)
class Table:
    """The data table beside a chart: a header row and rows whose first cell names the row."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    """What every chart has: a DOM id (also the prefix of its pattern ids), a title and a
    one-line summary (the SVG's <title> and <desc>), its size and its data table."""

    id: str
    title: str
    summary: str
    width: float
    height: float
    table: Table

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


# Bar chart: one horizontal bar per row, its label above it and its value after it.


@dataclass(frozen=True)
class BarRow:
    label_lines: list[str]
    label_y: float  # the baseline of the first label line
    bar_y: float
    bar_width: float
    value_text: str
    value_x: float
    value_y: float
    has_value: bool
    pattern: str
    colour: str


@dataclass(frozen=True)
class BarChart(Chart):
    rows: list[BarRow]
    bar_height: float
    pattern: str
    colour: str
    empty: bool
    target_x: float | None = None  # a dashed line at the target value, if there is one
    target_label: str = ""
    axis_y: float = 0


def bar_chart(
    data: Sequence[Datum],
    *,
    id: str,
    title: str,
    summary: str,
    label_header: str,
    value_header: str,
    target: Number | None = None,
    target_label: str = "",
    series: int = 0,
    by_row: bool = False,
) -> BarChart:
    """Horizontal bars, longest value full width; zero and missing values draw no bar but
    keep their row and text («0», «–»). `series` picks the pattern; with `by_row` each row
    takes the next pattern from there (the rows are the series of a stacked chart beside)."""
    peak = max([_number(d.value) for d in data] + [_number(target)], default=0.0)
    scale = (WIDTH - VALUE_SPACE) / peak if peak > 0 else 0.0
    max_chars = int(WIDTH / CHAR)
    rows: list[BarRow] = []
    y = 4.0
    for index, datum in enumerate(data):
        row_pattern, row_colour = PATTERNS[(series + (index if by_row else 0)) % len(PATTERNS)]
        lines = wrap(datum.label, max_chars)
        label_y = y + FONT
        bar_y = y + LINE * len(lines) + 2
        width = max(0.0, _number(datum.value) * scale)
        rows.append(
            BarRow(
                label_lines=lines,
                label_y=label_y,
                bar_y=bar_y,
                bar_width=round(width, 1),
                value_text=datum.text,
                value_x=round(width + 6, 1),
                value_y=bar_y + BAR / 2 + FONT * 0.35,
                has_value=datum.value is not None and width > 0,
                pattern=row_pattern,
                colour=row_colour,
            )
        )
        y = bar_y + BAR + ROW_GAP
    pattern, colour = PATTERNS[series % len(PATTERNS)]
    height = max(y, 2 * LINE)
    return BarChart(
        id=id,
        title=title,
        summary=summary,
        width=WIDTH,
        height=round(height, 1),
        table=Table(
            caption=title,
            headers=[label_header, value_header],
            rows=[[d.label, d.text] for d in data],
        ),
        rows=rows,
        bar_height=BAR,
        pattern=pattern,
        colour=colour,
        empty=not any(_number(d.value) for d in data),
        target_x=round(_number(target) * scale, 1) if target is not None and scale else None,
        target_label=target_label,
        axis_y=round(height - ROW_GAP / 2, 1),
    )


# Stacked or grouped bars: one row per category, one segment (or bar) per series.


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    pattern: str
    colour: str
    series: str
    text: str  # the segment's value
    show_text: bool  # written inside the segment when it fits, otherwise only in the table
    text_x: float
    text_y: float
    chip_x: float  # a white chip behind the text, so it reads on any pattern
    chip_width: float

    @property
    def chip_y(self) -> float:
        return self.y + 3

    @property
    def chip_height(self) -> float:
        return self.height - 6


@dataclass(frozen=True)
class StackRow:
    label_lines: list[str]
    label_y: float
    segments: list[Segment]
    total_text: str
    total_x: float
    total_y: float


@dataclass(frozen=True)
class StackedChart(Chart):
    legend: list[Swatch]
    rows: list[StackRow]
    mode: str  # "stacked" or "grouped"
    empty: bool


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[Datum]]],
    series: Sequence[Series],
    *,
    id: str,
    title: str,
    summary: str,
    label_header: str,
    total_header: str = "",
    mode: str = "stacked",
    totals: Sequence[str] | None = None,
) -> StackedChart:
    """Rows of values per series (each row's data in the order of `series`), stacked into
    one bar per row or, with mode="grouped", side by side as a small group of bars.

    A stacked segment writes its value inside when the value fits, a grouped bar after its
    end; the legend on top names each series by its pattern. `totals` are the row totals'
    texts (stacked mode), by default the sum as a whole number."""
    if mode not in ("stacked", "grouped"):
        raise ValueError(f"unknown mode {mode!r}")
    legend: list[Swatch] = []
    x, y = 0.0, 4.0
    for index, item in enumerate(series):
        pattern, colour = PATTERNS[index % len(PATTERNS)]
        entry_width = 22 + _text_width(item.name) + 16
        if x and x + entry_width > WIDTH:
            x, y = 0.0, y + LINE + 4
        legend.append(Swatch(item.name, pattern, colour, x, y))
        x += entry_width
    y += LINE + 12

    sums = [sum(_number(d.value) for d in data) for _label, data in rows]
    if mode == "stacked":
        peak = max(sums, default=0.0)
    else:
        peak = max((_number(d.value) for _label, data in rows for d in data), default=0.0)
    scale = (WIDTH - VALUE_SPACE) / peak if peak > 0 else 0.0
    max_chars = int(WIDTH / CHAR)
    drawn: list[StackRow] = []
    for row_index, (label, data) in enumerate(rows):
        lines = wrap(label, max_chars)
        label_y = y + FONT
        bar_y = y + LINE * len(lines) + 2
        segments: list[Segment] = []
        offset = 0.0
        for index, datum in enumerate(data[: len(series)]):
            pattern, colour = PATTERNS[index % len(PATTERNS)]
            width = round(_number(datum.value) * scale, 1)
            if mode == "stacked":
                segment_y, height = bar_y, float(BAR)
                fits = width >= _text_width(datum.text) + 8
                text_x, text_y = offset + width / 2, bar_y + BAR / 2 + FONT * 0.35
                segment_x = offset
                offset += width
            else:
                segment_y = bar_y + index * (GROUP_BAR + 2)
                height = float(GROUP_BAR)
                fits = True
                segment_x = 0.0
                text_x, text_y = width + 6, segment_y + GROUP_BAR / 2 + FONT * 0.35
            segments.append(
                Segment(
                    x=round(segment_x, 1),
                    y=round(segment_y, 1),
                    width=width,
                    height=height,
                    pattern=pattern,
                    colour=colour,
                    series=series[index].name,
                    text=datum.text,
                    show_text=fits and (mode == "grouped" or width > 0),
                    text_x=round(text_x, 1),
                    text_y=round(text_y, 1),
                    chip_x=round(text_x - _text_width(datum.text) / 2 - 3, 1),
                    chip_width=round(_text_width(datum.text) + 6, 1),
                )
            )
        if mode == "stacked":
            bar_end = bar_y + BAR
            total = totals[row_index] if totals is not None else f"{sums[row_index]:.0f}"
            total_x, total_y = offset + 6, bar_y + BAR / 2 + FONT * 0.35
        else:
            bar_end = bar_y + len(series) * (GROUP_BAR + 2)
            total, total_x, total_y = "", 0.0, 0.0
        drawn.append(
            StackRow(
                label_lines=lines,
                label_y=round(label_y, 1),
                segments=segments,
                total_text=total,
                total_x=round(total_x, 1),
                total_y=round(total_y, 1),
            )
        )
        y = bar_end + ROW_GAP
    headers = [label_header, *(s.name for s in series)]
    table_rows = [[label, *(d.text for d in data)] for label, data in rows]
    if mode == "stacked" and total_header:
        headers.append(total_header)
        for index, table_row in enumerate(table_rows):
            table_row.append(drawn[index].total_text)
    return StackedChart(
        id=id,
        title=title,
        summary=summary,
        width=WIDTH,
        height=round(y, 1),
        table=Table(caption=title, headers=headers, rows=table_rows),
        legend=legend,
        rows=drawn,
        mode=mode,
        empty=peak <= 0,
    )


# The staircase: four (or however many) steps rising to the right.


@dataclass(frozen=True)
class Step:
    level: int
    name_lines: list[str]
    x: float
    y: float  # the top of the tread
    width: float
    height: float
    reached: bool  # at or below the agreed level
    is_target: bool
    is_next: bool
    number_x: float
    number_y: float
    name_y: float  # the baseline of the first name line
    markers: list[Marker] = field(default_factory=list)


@dataclass(frozen=True)
class Marker:
    text: str
    kind: str  # "agreed", "target" or "next"; "" for a marker's second line (no icon)
    y: float


@dataclass(frozen=True)
class Staircase(Chart):
    steps: list[Step]
    base_y: float
    agreed: int | None


STEP_WIDTH = 92
RISER = 34
STEP_FONT = 13
MARKER_FONT = 12


def staircase(
    levels: Sequence[tuple[int, str]],
    *,
    id: str,
    title: str,
    agreed: int | None,
    agreed_text: str,
    target: int | None,
    target_text: str,
    next_target: int | None,
    next_text: str,
    summary: str,
    level_header: str,
    status_header: str,
    not_agreed_text: str,
) -> Staircase:
    """The staircase with its markers written in each step's own column: the level the
    leader group agreed, this year's target and the next. Reached steps are filled, the
    others outlined, and the markers say the same in words."""
    levels = sorted(levels)
    count = len(levels)
    max_chars = int((STEP_WIDTH - 8) / (0.56 * STEP_FONT))
    wrapped = [wrap(name, max_chars) for _level, name in levels]
    marker_chars = int((STEP_WIDTH - 18) / (0.6 * MARKER_FONT))
    markers_per_level: list[list[tuple[str, str]]] = [
        [
            (kind, text)
            for kind, text, on in (
                ("agreed", agreed_text, agreed == level),
                ("target", target_text, target == level),
                ("next", next_text, next_target == level),
            )
            if on and text
        ]
        for level, _name in levels
    ]
    # A marker's text wraps inside its column; the icon goes on its first line.
    marker_lines = [
        [(kind, wrap(text, marker_chars)) for kind, text in markers]
        for markers in markers_per_level
    ]
    # Room above each tread: its markers and name lines; the highest step needs it all above
    # the lowest tread's rise, so the top margin is the largest need above the rises below.
    needs = [
        (len(wrapped[i]) + sum(len(lines) for _kind, lines in marker_lines[i])) * (STEP_FONT + 5)
        + 8
        for i in range(count)
    ]
    top = max((need - (count - 1 - i) * RISER for i, need in enumerate(needs)), default=0)
    top = max(top, 0) + 4
    base_y = top + count * RISER
    steps: list[Step] = []
    for index, (level, _name) in enumerate(levels):
        tread = base_y - (index + 1) * RISER
        x = index * STEP_WIDTH
        name_lines = wrapped[index]
        name_y = tread - 8 - (len(name_lines) - 1) * (STEP_FONT + 5)
        markers = []
        marker_y = name_y - (STEP_FONT + 5)
        # Drawn upward from the name: the last line of each marker first.
        for kind, lines in marker_lines[index]:
            marker_y -= (len(lines) - 1) * (STEP_FONT + 5)
            markers.append(Marker(text=lines[0], kind=kind, y=round(marker_y, 1)))
            for offset, line in enumerate(lines[1:], start=1):
                markers.append(
                    Marker(text=line, kind="", y=round(marker_y + offset * (STEP_FONT + 5), 1))
                )
            marker_y -= STEP_FONT + 5
        steps.append(
            Step(
                level=level,
                name_lines=name_lines,
                x=x,
                y=round(tread, 1),
                width=STEP_WIDTH,
                height=round(base_y - tread, 1),
                reached=agreed is not None and level <= agreed,
                is_target=target == level,
                is_next=next_target == level,
                number_x=x + STEP_WIDTH / 2,
                number_y=round(tread + min(RISER, base_y - tread) / 2 + 7, 1),
                name_y=round(name_y, 1),
                markers=markers,
            )
        )
    rows = []
    for index, (level, name) in enumerate(levels):
        status = ", ".join(text for _kind, text in markers_per_level[index])
        rows.append([f"{level}. {name}", status])
    if agreed is None and not_agreed_text:
        rows.append(["", not_agreed_text])
    return Staircase(
        id=id,
        title=title,
        summary=summary,
        width=count * STEP_WIDTH + 36,
        height=round(base_y + 4, 1),
        table=Table(caption=title, headers=[level_header, status_header], rows=rows),
        steps=steps,
        base_y=round(base_y, 1),
        agreed=agreed,
    )


# Sparkline: a small trend of yearly values, with the target as a dashed line.


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    text: str


@dataclass(frozen=True)
class Sparkline(Chart):
    points: list[Point]
    path: str  # the polyline's points attribute
    target_y: float | None
    last: Point | None
    first_label: str
    last_label: str
    axis_y: float


SPARK_WIDTH = 200
SPARK_HEIGHT = 56
SPARK_PAD = 8
SPARK_TEXT = 64  # room right of the line for the last value


def sparkline(
    data: Sequence[Datum],
    *,
    id: str,
    title: str,
    summary: str,
    label_header: str,
    value_header: str,
    target: Number | None = None,
) -> Sparkline:
    """A line through the values that have one (gaps are skipped, not drawn as zero), the
    latest value written at its end, the first and last labels under the line."""
    known = [(i, d) for i, d in enumerate(data) if d.value is not None]
    values = [_number(d.value) for _i, d in known]
    if target is not None:
        values.append(_number(target))
    low, high = min(values, default=0.0), max(values, default=0.0)
    if low == high:
        low, high = low - 1, high + 1
    plot_w = SPARK_WIDTH - SPARK_TEXT - 2 * SPARK_PAD
    plot_h = SPARK_HEIGHT - 2 * SPARK_PAD - 14
    step = plot_w / (len(data) - 1) if len(data) > 1 else 0.0

    def y_of(value: float) -> float:
        return round(SPARK_PAD + plot_h - (value - low) / (high - low) * plot_h, 1)

    points = [
        Point(
            x=round(SPARK_PAD + (i * step if len(data) > 1 else plot_w / 2), 1),
            y=y_of(_number(d.value)),
            label=d.label,
            text=d.text,
        )
        for i, d in known
    ]
    return Sparkline(
        id=id,
        title=title,
        summary=summary,
        width=SPARK_WIDTH,
        height=SPARK_HEIGHT,
        table=Table(
            caption=title,
            headers=[label_header, value_header],
            rows=[[d.label, d.text] for d in data],
        ),
        points=points,
        path=" ".join(f"{p.x:g},{p.y:g}" for p in points),
        target_y=y_of(_number(target)) if target is not None else None,
        last=points[-1] if points else None,
        first_label=data[0].label if data else "",
        last_label=data[-1].label if len(data) > 1 else "",
        axis_y=SPARK_HEIGHT - 4,
    )


# Progress toward a target: one bar, the target as a line, the figures as a sentence.


@dataclass(frozen=True)
class Progress(Chart):
    fill_width: float
    track_width: float
    target_x: float
    share: int | None  # whole per cent of the target, None without a target
    over: bool  # beyond the target
    text: str  # «kr 120 000 av kr 500 000 (24 %)»
    bar_y: float
    pattern: str
    colour: str


PROGRESS_BAR = 22
PROGRESS_WIDTH = 280


def progress(
    *,
    id: str,
    title: str,
    value: Number | None,
    target: Number | None,
    text: str,
    value_label: str,
    value_text: str,
    target_label: str,
    target_text: str,
    share_label: str,
    summary: str = "",
    series: int = 0,
) -> Progress:
    """How far a value has come toward its target. Beyond the target the bar runs to the end
    and the target line stands where 100 % is; no target draws the bar without a line."""
    current, goal = _number(value), _number(target)
    track = float(PROGRESS_WIDTH - 4)  # room for the target line at 100 %
    if goal > 0:
        scale = track / max(goal, current)
        share: int | None = int((Decimal(str(current)) / Decimal(str(goal)) * 100).to_integral())
    else:
        scale = track / current if current > 0 else 0.0
        share = None
    pattern, colour = PATTERNS[series % len(PATTERNS)]
    share_text = "–" if share is None else f"{share}\u00a0%"
    return Progress(
        id=id,
        title=title,
        summary=summary or text,
        width=PROGRESS_WIDTH,
        height=LINE + 8 + PROGRESS_BAR + 6,
        table=Table(
            caption=title,
            headers=[value_label, target_label, share_label],
            rows=[[value_text, target_text, share_text]],
        ),
        fill_width=round(max(current, 0.0) * scale, 1),
        track_width=track,
        target_x=round(goal * scale, 1) if goal > 0 else -1,
        share=share,
        over=share is not None and share > 100,
        text=text,
        bar_y=LINE + 8,
        pattern=pattern,
        colour=colour,
    )
