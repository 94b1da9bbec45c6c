"""The dashboard's figures as charts: selector results → `maturity.charts` dataclasses, with
their Bokmål titles, one-line summaries and formatted values. The leaders' dashboard, the
staff page and (next) the council PDF build their charts here, so they say the same.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maturity import charts
from maturity.charts import Datum, Series
from maturity.models import KpiUnit, MeasureStatus
from maturity.selectors.dashboard import FlowFigures, PortfolioMatrix, Staircase
from maturity.selectors.kpis import KpiRow
from portal.numbers import format_decimal, format_nok
from portfolio.selectors.benefits import BenefitFigures, fte
from portfolio.templatetags.benefits import format_measure


def staircase_chart(
    staircase: Staircase,
    *,
    agreed: int | None,
    agreed_year: int | None = None,
    id: str = "trappen",
) -> charts.Staircase:
    """The staircase with the agreed level (None: not agreed yet), the year's target and the
    next. `agreed_year` is the year the level was agreed for, when that is an earlier year
    than the staircase's (the latest agreed, while this year's is not)."""
    year = staircase.year
    marked_year = agreed_year or year
    target, upcoming = staircase.target_level, staircase.next_level
    names = {level.level: level.name for level in staircase.levels}
    parts = []
    if agreed is not None and marked_year != year:
        parts.append(
            _("Nivået for %(year)s er ikke omforent ennå; for %(earlier)s ble det %(level)s.")
            % {
                "year": year,
                "earlier": marked_year,
                "level": f"{agreed}. {names.get(agreed, '')}".strip(),
            }
        )
    elif agreed is not None:
        parts.append(
            _("Omforent nivå for %(year)s er %(level)s.")
            % {"year": year, "level": f"{agreed}. {names.get(agreed, '')}".strip()}
        )
    else:
        parts.append(_("Nivået for %(year)s er ikke omforent ennå.") % {"year": year})
    if target is not None and staircase.targets.current is not None:
        parts.append(
            _("Målet for %(period)s er %(level)s.")
            % {
                "period": staircase.targets.current.label,
                "level": f"{target.level}. {target.name}",
            }
        )
    if upcoming is not None and staircase.targets.next is not None:
        parts.append(
            _("Neste mål (%(period)s) er %(level)s.")
            % {
                "period": staircase.targets.next.label,
                "level": f"{upcoming.level}. {upcoming.name}",
            }
        )
    return charts.staircase(
        [(level.level, level.name) for level in staircase.levels],
        id=id,
        title=_("Modenhetstrappen %(year)s") % {"year": year},
        summary=" ".join(parts),
        agreed=agreed,
        agreed_text=_("Omforent %(year)s") % {"year": marked_year},
        target=target.level if target else None,
        target_text=(
            _("Mål %(period)s") % {"period": staircase.targets.current.label}
            if staircase.targets.current
            else ""
        ),
        next_target=upcoming.level if upcoming else None,
        next_text=(
            _("Neste %(period)s") % {"period": staircase.targets.next.label}
            if staircase.targets.next
            else ""
        ),
        level_header=_("Nivå"),
        status_header=_("Status"),
        not_agreed_text=(
            _("Ikke omforent for %(year)s ennå") % {"year": year}
            if agreed is None or marked_year != year
            else ""
        ),
    )


def _count(n: int) -> str:
    return format_decimal(n)


def portfolio_by_phase_chart(
    matrix: PortfolioMatrix, *, id: str = "fase-type"
) -> charts.StackedChart:
    """Active initiatives per phase, each bar split by innovation type."""
    series = [Series(str(kind.pk), kind.name) for kind in matrix.types]
    type_ids: list[int | None] = [kind.pk for kind in matrix.types]
    if matrix.has_untyped:
        series.append(Series("", _("Uten type")))
        type_ids.append(None)
    rows = [
        (
            phase.name,
            [
                Datum(kind.name, n := matrix.count(phase.pk, type_id), _count(n))
                for kind, type_id in zip(series, type_ids, strict=True)
            ],
        )
        for phase in matrix.phases
    ]
    busiest = max(matrix.by_phase(), key=lambda item: item[1], default=None)
    if matrix.total and busiest is not None:
        summary = ngettext(
            "%(total)s aktivt initiativ; flest i %(phase)s (%(count)s).",
            "%(total)s aktive initiativer; flest i %(phase)s (%(count)s).",
            matrix.total,
        ) % {"total": _count(matrix.total), "phase": busiest[0].name, "count": busiest[1]}
    else:
        summary = _("Ingen aktive initiativer.")
    return charts.stacked_bars(
        rows,
        series,
        id=id,
        title=_("Porteføljen etter fase og type"),
        summary=summary,
        label_header=_("Fase"),
        total_header=_("I alt"),
        totals=[_count(n) for _phase, n in matrix.by_phase()],
    )


def portfolio_by_type_chart(matrix: PortfolioMatrix, *, id: str = "type") -> charts.BarChart:
    data = [
        Datum(kind.name if kind else _("Uten type"), n, _count(n)) for kind, n in matrix.by_type()
    ]
    largest = max(data, key=lambda d: d.value or 0, default=None)
    summary = (
        _("Flest aktive initiativer er %(type)s (%(count)s av %(total)s).")
        % {
            "type": largest.label.lower(),
            "count": largest.text,
            "total": _count(matrix.total),
        }
        if largest is not None and matrix.total
        else _("Ingen aktive initiativer.")
    )
    return charts.bar_chart(
        data,
        id=id,
        title=_("Aktive initiativer etter innovasjonstype"),
        summary=summary,
        label_header=_("Type"),
        value_header=_("Initiativer"),
        by_row=True,
    )


def _days(value: float | None) -> str:
    if value is None:
        return "–"
    days = round(value)
    return ngettext("%(n)s dag", "%(n)s dager", days) % {"n": format_decimal(days)}


def median_days_chart(
    medians: list[tuple[str, Decimal | None]], *, year: int, id: str = "median-dager"
) -> charts.BarChart:
    """The KPI «median days in phase» of the year, per phase (maturity.selectors.kpis)."""
    data = [
        Datum(name, None if days is None else days, _days(None if days is None else float(days)))
        for name, days in medians
    ]
    measured = [(d.label, d.value) for d in data if d.value is not None]
    slowest = max(measured, key=lambda item: item[1] or 0, default=None)
    if slowest is not None and round(float(slowest[1] or 0)) == 0:
        summary = _("Oppholdene som ble avsluttet i %(year)s, var kortere enn én dag.") % {
            "year": year
        }
    elif slowest is not None:
        summary = _("Lengst tid gikk med i %(phase)s: median %(days)s.") % {
            "phase": slowest[0],
            "days": _days(float(slowest[1] or 0)),
        }
    else:
        summary = _("Ingen initiativer forlot en fase i %(year)s.") % {"year": year}
    return charts.bar_chart(
        data,
        id=id,
        title=_("Median tid i hver fase, opphold avsluttet i %(year)s") % {"year": year},
        summary=summary,
        label_header=_("Fase"),
        value_header=_("Median"),
        series=1,
    )


def throughput_chart(flow: FlowFigures, *, id: str = "gjennomstromning") -> charts.Sparkline:
    """New initiatives per month (entered the first active phase), the last twelve months."""
    first_phase = flow.phases[0].name if flow.phases else ""
    data = [
        Datum(
            date_format(row.month, "M Y"),
            n := (row.entered[0] if row.entered else 0),
            _count(n),
        )
        for row in flow.throughput
    ]
    summary = ngettext(
        "%(n)s initiativ gikk inn i %(phase)s de siste tolv månedene.",
        "%(n)s initiativer gikk inn i %(phase)s de siste tolv månedene.",
        flow.entered_first,
    ) % {"n": _count(flow.entered_first), "phase": first_phase}
    return charts.sparkline(
        data,
        id=id,
        title=_("Nye initiativer per måned"),
        summary=summary,
        label_header=_("Måned"),
        value_header=_("Inn i %(phase)s") % {"phase": first_phase},
    )


def benefit_progress_charts(
    figures: BenefitFigures, *, per_fte: Decimal, prefix: str = "gevinst"
) -> list[charts.Progress]:
    """Realised against expected: kroner, freed hours and the same hours in årsverk."""
    result = []
    amount_text = _("%(realised)s realisert av %(expected)s forventet") % {
        "realised": format_nok(figures.realised_amount),
        "expected": format_nok(figures.expected_amount),
    }
    result.append(
        charts.progress(
            id=f"{prefix}-kroner",
            title=_("Økonomiske gevinster (kroner)"),
            value=figures.realised_amount,
            target=figures.expected_amount,
            text=amount_text,
            value_label=_("Realisert"),
            value_text=format_nok(figures.realised_amount),
            target_label=_("Forventet per år"),
            target_text=format_nok(figures.expected_amount),
            share_label=_("Andel"),
        )
    )
    hours_text = _("%(realised)s realisert av %(expected)s forventet") % {
        "realised": format_measure(figures.realised_hours, "hours"),
        "expected": format_measure(figures.expected_hours, "hours"),
    }
    result.append(
        charts.progress(
            id=f"{prefix}-timer",
            title=_("Frigjort tid (timer)"),
            value=figures.realised_hours,
            target=figures.expected_hours,
            text=hours_text,
            value_label=_("Realisert"),
            value_text=format_measure(figures.realised_hours, "hours"),
            target_label=_("Forventet per år"),
            target_text=format_measure(figures.expected_hours, "hours"),
            share_label=_("Andel"),
            series=2,
        )
    )
    realised_fte = fte(figures.realised_hours, per_fte) or Decimal(0)
    expected_fte = fte(figures.expected_hours, per_fte) or Decimal(0)
    fte_text = _("%(realised)s av %(expected)s årsverk") % {
        "realised": format_decimal(realised_fte, 1),
        "expected": format_decimal(expected_fte, 1),
    }
    result.append(
        charts.progress(
            id=f"{prefix}-arsverk",
            title=_("Frigjorte årsverk"),
            value=realised_fte,
            target=expected_fte,
            text=fte_text,
            value_label=_("Realisert (årsverk)"),
            value_text=format_decimal(realised_fte, 1),
            target_label=_("Forventet (årsverk)"),
            target_text=format_decimal(expected_fte, 1),
            share_label=_("Andel"),
            series=2,
        )
    )
    return result


def measure_status_chart(
    counts: dict[str, int], *, overdue: int, year: int, id: str = "tiltak-status"
) -> charts.BarChart:
    """The year's measures per status (MeasureStatus order), with the overdue ones named in
    the summary: they are flagged, whatever their status."""
    data = [Datum(str(status.label), counts.get(status.value, 0)) for status in MeasureStatus]
    total = sum(counts.values())
    summary = ngettext(
        "%(total)s tiltak i %(year)s: %(done)s fullført, %(overdue)s forfalt.",
        "%(total)s tiltak i %(year)s: %(done)s fullført, %(overdue)s forfalt.",
        total,
    ) % {
        "total": total,
        "year": year,
        "done": counts.get(MeasureStatus.DONE, 0),
        "overdue": overdue,
    }
    return charts.bar_chart(
        data,
        id=id,
        title=_("Tiltakene i %(year)s etter status") % {"year": year},
        summary=summary,
        label_header=_("Status"),
        value_header=_("Tiltak"),
        by_row=True,
    )


def format_kpi(value: Decimal | None, unit: str) -> str:
    """A KPI value in its unit: «62,5 %», «12», «1 200 timer», «0,7 årsverk», «kr 12 500»,
    «34 dager»; «–» without a value."""
    if value is None:
        return "–"
    if unit == KpiUnit.PERCENT:
        return f"{format_decimal(value, 1 if value != value.to_integral_value() else 0)}\u00a0%"
    if unit == KpiUnit.NOK:
        return format_nok(value)
    if unit == KpiUnit.HOURS:
        return format_measure(value, "hours")
    if unit == KpiUnit.FTE:
        return f"{format_decimal(value, 1)}\u00a0" + _("årsverk")
    if unit == KpiUnit.DAYS:
        return _days(float(value))
    return format_decimal(value, 0 if value == value.to_integral_value() else 1)


def kpi_trend_chart(row: KpiRow) -> charts.Sparkline:
    """A KPI's values over the years, with its target as a dashed line."""
    unit = row.kpi.unit
    data = [
        Datum(str(point.year), point.value, format_kpi(point.value, unit)) for point in row.trend
    ]
    known = [d for d in data if d.value is not None]
    if len(known) >= 2:
        summary = _("%(name)s: fra %(first)s i %(start)s til %(last)s i %(end)s.") % {
            "name": row.kpi.name,
            "first": known[0].text,
            "start": known[0].label,
            "last": known[-1].text,
            "end": known[-1].label,
        }
    elif known:
        summary = _("%(name)s: %(value)s i %(year)s.") % {
            "name": row.kpi.name,
            "value": known[0].text,
            "year": known[0].label,
        }
    else:
        summary = _("%(name)s: ingen verdier ennå.") % {"name": row.kpi.name}
    if row.target is not None:
        summary += " " + _("Målet er %(target)s.") % {"target": format_kpi(row.target, unit)}
    return charts.sparkline(
        data,
        id=f"kpi-{row.kpi.pk}",
        title=_("Utvikling: %(name)s") % {"name": row.kpi.name},
        summary=summary,
        label_header=_("År"),
        value_header=row.kpi.name,
        target=row.target,
    )


def role_mix_chart(mix: list[tuple[str, int]], *, id: str = "roller") -> charts.BarChart:
    """Active initiatives by the municipality's role: evidence beside the staircase."""
    total = sum(n for _name, n in mix)
    data = [Datum(name, n, _count(n)) for name, n in mix]
    if total:
        top = max(mix, key=lambda item: item[1])
        summary = _("Kommunen er oftest %(role)s (%(count)s av %(total)s aktive initiativer).") % {
            "role": top[0].lower(),
            "count": top[1],
            "total": total,
        }
    else:
        summary = _("Ingen aktive initiativer.")
    return charts.bar_chart(
        data,
        id=id,
        title=_("Kommunens rolle i aktive initiativer"),
        summary=summary,
        label_header=_("Rolle"),
        value_header=_("Initiativer"),
        by_row=True,
    )


def put_to_use_chart(
    by_type: list[tuple[str, int]], *, year: int, id: str = "nyttiggjort"
) -> charts.BarChart:
    """Innovations taken into use in the year per type."""
    total = sum(n for _name, n in by_type)
    summary = ngettext(
        "%(n)s innovasjon tatt i bruk i %(year)s.",
        "%(n)s innovasjoner tatt i bruk i %(year)s.",
        total,
    ) % {"n": total, "year": year}
    return charts.bar_chart(
        [Datum(name, n, _count(n)) for name, n in by_type],
        id=id,
        title=_("Nyttiggjort i %(year)s etter type") % {"year": year},
        summary=summary,
        label_header=_("Type"),
        value_header=_("Innovasjoner"),
        by_row=True,
    )


def initiators_chart(
    counts: list[tuple[str, int]], *, year: int, id: str = "initiativtakere"
) -> charts.BarChart:
    """Innovations taken into use in the year by who initiated them (KS Innovasjonsbarometeret
    asks the same: leder, medarbeider, innbygger, …)."""
    total = sum(n for _name, n in counts)
    top = max(counts, key=lambda item: item[1], default=None)
    if total and top is not None:
        summary = _(
            "Flest av innovasjonene tatt i bruk i %(year)s kom fra %(who)s (%(n)s av %(total)s)."
        ) % {
            "n": top[1],
            "total": total,
            "year": year,
            "who": top[0],
        }
    else:
        summary = _("Ingen innovasjoner ble tatt i bruk i %(year)s.") % {"year": year}
    return charts.bar_chart(
        [Datum(name, n, _count(n)) for name, n in counts],
        id=id,
        title=_("Hvem tok initiativet, %(year)s") % {"year": year},
        summary=summary,
        label_header=_("Initiativtaker"),
        value_header=_("Innovasjoner"),
        by_row=True,
    )
