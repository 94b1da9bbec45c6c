"""The SVG charts: their geometry (maturity.charts) and what each partial draws: role,
title and desc, a data table, patterns with the chart's own ids, and nothing inline that
the strict CSP blocks."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from maturity import charts
from maturity.charts import Datum, Series


def bars(*values: int | None) -> charts.BarChart:
    return charts.bar_chart(
        [Datum(f"Rad {i}", v) for i, v in enumerate(values)],
        id="bars",
        title="Stolper",
        summary="Tre stolper.",
        label_header="Rad",
        value_header="Verdi",
    )


# Geometry ---------------------------------------------------------------------------


def test_the_longest_bar_fills_the_width_left_for_values() -> None:
    chart = bars(10, 5, 0)
    full = charts.WIDTH - charts.VALUE_SPACE
    assert [row.bar_width for row in chart.rows] == [full, full / 2, 0]
    assert chart.rows[0].value_x == full + 6
    assert [row.has_value for row in chart.rows] == [True, True, False]
    # Rows stack downwards without overlapping, and the chart is tall enough for the last.
    assert chart.rows[1].label_y > chart.rows[0].bar_y + charts.BAR
    assert chart.height >= chart.rows[-1].bar_y + charts.BAR


def test_zero_and_missing_values_keep_their_rows_and_draw_no_bar() -> None:
    chart = bars(0, None)
    assert chart.empty
    assert [row.bar_width for row in chart.rows] == [0, 0]
    assert [row.value_text for row in chart.rows] == ["0", "–"]
    assert chart.table.rows == [["Rad 0", "0"], ["Rad 1", "–"]]


def test_an_empty_bar_chart_has_a_height_and_an_empty_table() -> None:
    chart = bars()
    assert chart.rows == [] and chart.empty
    assert chart.height > 0
    assert chart.table.rows == []


def test_a_target_line_stands_at_the_target_value() -> None:
    chart = charts.bar_chart(
        [Datum("A", 50)],
        id="t",
        title="T",
        summary="S",
        label_header="L",
        value_header="V",
        target=100,
    )
    full = charts.WIDTH - charts.VALUE_SPACE
    assert chart.target_x == full
    assert chart.rows[0].bar_width == full / 2


def test_bars_by_row_take_one_pattern_each() -> None:
    chart = charts.bar_chart(
        [Datum(str(i), 1) for i in range(3)],
        id="r",
        title="T",
        summary="S",
        label_header="L",
        value_header="V",
        by_row=True,
    )
    assert [row.pattern for row in chart.rows] == [p for p, _c in charts.PATTERNS[:3]]


def test_long_labels_wrap_onto_more_lines() -> None:
    assert charts.wrap("Overgang til drift", 10) == ["Overgang", "til drift"]
    assert charts.wrap("Innovasjonspartner", 5) == ["Innovasjonspartner"]
    assert charts.wrap("", 5) == [""]


def stacked(mode: str = "stacked") -> charts.StackedChart:
    series = [Series("a", "Tjeneste"), Series("b", "Prosess")]
    rows = [
        ("Innsikt", [Datum("Tjeneste", 3), Datum("Prosess", 1)]),
        ("Pilot", [Datum("Tjeneste", 0), Datum("Prosess", 2)]),
    ]
    return charts.stacked_bars(
        rows,
        series,
        id="stack",
        title="Fase og type",
        summary="Flest i innsikt.",
        label_header="Fase",
        total_header="I alt",
        mode=mode,
    )


def test_stacked_segments_follow_each_other_and_the_longest_row_fills_the_width() -> None:
    chart = stacked()
    full = charts.WIDTH - charts.VALUE_SPACE
    first, second = chart.rows[0].segments
    assert first.x == 0 and second.x == first.width
    assert first.width + second.width == pytest.approx(full)
    assert first.pattern != second.pattern
    assert chart.rows[0].total_text == "4"
    zero = chart.rows[1].segments[0]
    assert zero.width == 0 and not zero.show_text
    assert chart.table.headers == ["Fase", "Tjeneste", "Prosess", "I alt"]
    assert chart.table.rows == [["Innsikt", "3", "1", "4"], ["Pilot", "0", "2", "2"]]
    assert [swatch.name for swatch in chart.legend] == ["Tjeneste", "Prosess"]


def test_grouped_bars_stand_under_each_other_and_scale_to_the_largest_value() -> None:
    chart = stacked("grouped")
    full = charts.WIDTH - charts.VALUE_SPACE
    first, second = chart.rows[0].segments
    assert first.x == second.x == 0
    assert second.y > first.y
    assert first.width == full  # 3 is the largest single value
    assert chart.table.headers == ["Fase", "Tjeneste", "Prosess"]


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        stacked("pie")


def test_stacked_bars_without_rows_are_empty() -> None:
    chart = charts.stacked_bars(
        [], [Series("a", "A")], id="e", title="T", summary="S", label_header="L"
    )
    assert chart.empty and chart.rows == []


LEVELS = [(1, "Vente å se"), (2, "Bidragsyter"), (3, "Initiativtaker"), (4, "Innovasjonspartner")]


def stairs(
    agreed: int | None, target: int | None = 2, upcoming: int | None = 3
) -> charts.Staircase:
    return charts.staircase(
        LEVELS,
        id="trapp",
        title="Trappen 2026",
        agreed=agreed,
        agreed_text="Omforent 2026",
        target=target,
        target_text="Mål 2026–27",
        next_target=upcoming,
        next_text="Neste 2027–28",
        summary="Omforent nivå er 2.",
        level_header="Nivå",
        status_header="Status",
        not_agreed_text="Ikke omforent",
    )


def test_the_staircase_rises_one_riser_per_level_and_fills_the_reached_steps() -> None:
    chart = stairs(agreed=2)
    treads = [step.y for step in chart.steps]
    assert all(a - b == charts.RISER for a, b in zip(treads, treads[1:], strict=False))
    assert [step.reached for step in chart.steps] == [True, True, False, False]
    assert [step.is_target for step in chart.steps] == [False, True, False, False]
    assert [step.is_next for step in chart.steps] == [False, False, True, False]
    assert [s.x for s in chart.steps] == [0, charts.STEP_WIDTH, 2 * charts.STEP_WIDTH, 276]
    # Everything written above a tread stays inside the chart.
    tops = [marker.y - charts.STEP_FONT for step in chart.steps for marker in step.markers]
    assert min([*tops, *(s.name_y - charts.STEP_FONT for s in chart.steps)]) >= 0


def test_the_staircase_writes_its_markers_as_text_in_the_table_too() -> None:
    chart = stairs(agreed=2)
    texts = [" ".join(m.text for m in step.markers) for step in chart.steps]
    assert "Omforent" in texts[1] and "Mål 2026–27" in texts[1]
    assert "Neste" in texts[2]
    assert chart.table.rows[1] == ["2. Bidragsyter", "Omforent 2026, Mål 2026–27"]
    assert chart.table.rows[2] == ["3. Initiativtaker", "Neste 2027–28"]


def test_a_staircase_without_an_agreed_level_reaches_no_step_and_says_so() -> None:
    chart = stairs(agreed=None, target=None, upcoming=1)
    assert not any(step.reached for step in chart.steps)
    assert chart.table.rows[-1] == ["", "Ikke omforent"]
    assert chart.steps[0].is_next


def test_an_empty_staircase_has_no_steps() -> None:
    chart = charts.staircase(
        [],
        id="x",
        title="T",
        agreed=None,
        agreed_text="",
        target=None,
        target_text="",
        next_target=None,
        next_text="",
        summary="S",
        level_header="Nivå",
        status_header="Status",
        not_agreed_text="",
    )
    assert chart.steps == [] and chart.height > 0


def spark(*values: int | None, target: int | None = None) -> charts.Sparkline:
    return charts.sparkline(
        [Datum(str(2025 + i), v) for i, v in enumerate(values)],
        id="spark",
        title="Trend",
        summary="Opp.",
        label_header="År",
        value_header="Verdi",
        target=target,
    )


def test_a_sparkline_puts_higher_values_higher_and_skips_gaps() -> None:
    chart = spark(10, None, 30)
    assert [p.label for p in chart.points] == ["2025", "2027"]
    low, high = chart.points
    assert high.y < low.y and high.x > low.x
    assert chart.last == high
    assert chart.table.rows == [["2025", "10"], ["2026", "–"], ["2027", "30"]]
    assert chart.path == f"{low.x:g},{low.y:g} {high.x:g},{high.y:g}"


def test_a_sparkline_with_a_target_fits_it_in_and_flat_data_draws_a_flat_line() -> None:
    chart = spark(10, 10, target=20)
    assert chart.target_y is not None and chart.target_y < chart.points[0].y
    flat = spark(5, 5)
    assert flat.points[0].y == flat.points[1].y
    assert 0 <= flat.points[0].y <= charts.SPARK_HEIGHT


def test_a_sparkline_without_values_draws_no_points() -> None:
    assert spark().points == [] and spark().last is None
    assert spark(None, None).path == ""


def prog(value: int | None, target: int | None) -> charts.Progress:
    return charts.progress(
        id="p",
        title="Kroner",
        value=value,
        target=target,
        text="Tekst",
        value_label="Realisert",
        value_text=str(value),
        target_label="Forventet",
        target_text=str(target),
        share_label="Andel",
    )


def test_progress_fills_its_share_of_the_track() -> None:
    chart = prog(25, 100)
    assert chart.share == 25 and not chart.over
    assert chart.fill_width == pytest.approx(chart.track_width / 4, abs=0.1)
    assert chart.target_x == chart.track_width
    assert chart.table.rows == [["25", "100", "25\u00a0%"]]


def test_progress_beyond_the_target_scales_to_the_value() -> None:
    chart = prog(150, 100)
    assert chart.share == 150 and chart.over
    assert chart.fill_width == chart.track_width
    assert chart.target_x == pytest.approx(chart.track_width * 2 / 3, abs=0.1)


def test_progress_without_a_target_or_a_value() -> None:
    none = prog(0, 0)
    assert none.share is None and none.fill_width == 0 and none.target_x < 0
    assert none.table.rows[0][2] == "–"
    assert prog(None, 100).fill_width == 0


def test_decimal_values_work_as_numbers() -> None:
    chart = charts.progress(
        id="d",
        title="T",
        value=Decimal("0.5"),
        target=Decimal("2"),
        text="",
        value_label="",
        value_text="",
        target_label="",
        target_text="",
        share_label="",
    )
    assert chart.share == 25


# Partials ---------------------------------------------------------------------------

ALL_CHARTS: dict[str, Callable[[], charts.Chart]] = {
    "charts/bar.html": lambda: bars(3, 0, None),
    "charts/stacked.html": stacked,
    "charts/staircase.html": lambda: stairs(agreed=2),
    "charts/sparkline.html": lambda: spark(1, 2, 3, target=4),
    "charts/progress.html": lambda: prog(25, 100),
}


def render(template: str, chart: charts.Chart, **extra: object) -> str:
    return render_to_string(template, {"chart": chart, **extra})


@pytest.mark.parametrize("template", ALL_CHARTS)
def test_every_chart_is_an_image_with_a_title_a_desc_and_a_data_table(template: str) -> None:
    chart = ALL_CHARTS[template]()
    html = render(template, chart)
    svg = re.search(r"<svg[^>]*>", html)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in svg.group(0)
    assert f'<title id="{chart.id}-title">{chart.title}</title>' in html
    assert f'<desc id="{chart.id}-desc">{chart.summary}</desc>' in html
    assert html.count("<table") == 1
    for header in chart.table.headers:
        assert f">{header}</th>" in html
    # Nothing the strict CSP would block, and colour is set on the SVG itself.
    assert "style=" not in html and "<script" not in html
    assert 'fill="#' in html


@pytest.mark.parametrize("template", ["charts/bar.html", "charts/stacked.html"])
def test_pattern_ids_carry_the_chart_id_so_two_charts_on_a_page_never_clash(
    template: str,
) -> None:
    html = render(template, ALL_CHARTS[template]())
    ids = re.findall(r'<pattern id="([^"]+)"', html)
    assert ids and all(i.startswith(ALL_CHARTS[template]().id + "-") for i in ids)
    used = set(re.findall(r'fill="url\(#([^)]+)\)"', html))
    assert used and used <= set(ids)


@override_settings(LANGUAGE_CODE="nb", USE_THOUSAND_SEPARATOR=True)
def test_coordinates_are_never_written_with_a_decimal_comma() -> None:
    chart = charts.bar_chart(
        [Datum("A", 1), Datum("B", 3)],
        id="c",
        title="T",
        summary="S",
        label_header="L",
        value_header="V",
    )
    html = render("charts/bar.html", chart)
    for attribute in re.findall(r' (?:x|y|width|height|viewBox)="([^"]*)"', html):
        assert "," not in attribute


def test_the_data_table_is_in_details_unless_asked_to_be_open() -> None:
    chart = bars(1)
    assert "<details" in render("charts/bar.html", chart)
    assert "<details" not in render("charts/staircase.html", stairs(agreed=1), open=True)


def test_an_empty_chart_still_renders_its_table_with_a_message() -> None:
    html = render("charts/bar.html", bars())
    assert "Ingen data ennå." in html
    assert 'role="img"' in html


def test_the_sparkline_may_leave_its_table_to_the_row_around_it() -> None:
    assert "<table" not in render("charts/sparkline.html", spark(1, 2), table=False)
    assert "Ingen verdier ennå" in render("charts/sparkline.html", spark())
