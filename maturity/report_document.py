"""The yearly strategy report for kommunestyret as PDF files (WeasyPrint).

`build_report_files` is what the report task calls. It gathers the year's figures
(`maturity.selectors.reports.report_content`, which reads the dashboard's own selectors),
turns them into the dashboard's charts (`maturity.figures`) and a plain-language summary,
renders `templates/maturity/report_pdf.html` and lays it out once, then writes that layout
twice at the same time (`portal.pdf.write_pdfs`): the accessible copy (pdf/ua-1) and the
archive copy (pdf/a-3a) for the case system.
Both are tagged; the archive copy carries no PDF/UA identification (WeasyPrint writes one
variant per file).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maturity import charts, figures
from maturity.charts import Datum
from maturity.models import MeasureStatus
from maturity.selectors.reports import ReportContent, report_content
from portal.models import Organisation
from portal.numbers import format_decimal, format_nok
from portal.pdf import ACCESSIBLE, ARCHIVE, layout_pdf, static_base_url, write_pdfs
from portfolio.selectors.benefits import fte
from portfolio.templatetags.benefits import format_measure

# Called with a percentage (0–100) and a short Bokmål description of the step.
Progress = Callable[[int, str], None]

STRATEGY_TITLE = "Innovasjonsstrategi 2025–2029 – årsrapport"


@dataclass(frozen=True)
class ReportFiles:
    accessible: bytes  # pdf/ua-1: the council's copy
    archive: bytes  # pdf/a-3a: the same version for the case system (Noark)
    page_count: int
    gather_seconds: float
    layout_seconds: float


def _whole(amount: Decimal) -> Decimal:
    """Whole kroner and hours for the summary (the tables keep the decimals)."""
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _level_name(content: ReportContent, number: int | None) -> str:
    names = {level.level: level.name for level in content.staircase.levels}
    return f"{number}. {names.get(number, '')}".strip() if number is not None else ""


def summary_sentences(content: ReportContent) -> list[str]:
    """The one-page summary in plain language, every figure from the report's content."""
    year = content.year
    sentences: list[str] = []
    target = content.staircase.target_level
    period = content.staircase.targets.current
    if content.agreed is not None:
        reached = content.agreed.level.level
        sentences.append(
            _(
                "Ledergruppen har vurdert at kommunen i %(year)s står på nivå %(level)s "
                "i modenhetstrappen."
            )
            % {"year": year, "level": _level_name(content, reached)}
        )
        if target is not None and period is not None:
            if reached >= target.level:
                sentences.append(
                    _("Det er i tråd med målet for %(period)s, nivå %(target)s.")
                    % {"period": period.label, "target": _level_name(content, target.level)}
                )
            else:
                sentences.append(
                    ngettext(
                        "Målet for %(period)s er nivå %(target)s, så kommunen er %(n)s trinn "
                        "under målet.",
                        "Målet for %(period)s er nivå %(target)s, så kommunen er %(n)s trinn "
                        "under målet.",
                        target.level - reached,
                    )
                    % {
                        "period": period.label,
                        "target": _level_name(content, target.level),
                        "n": target.level - reached,
                    }
                )
    else:
        sentences.append(
            _("Ledergruppen har ennå ikke omforent hvilket nivå kommunen står på for %(year)s.")
            % {"year": year}
        )
        if content.level is not None:
            sentences.append(
                _("Sist omforente nivå var %(level)s, for %(earlier)s.")
                % {"level": _level_name(content, content.level), "earlier": content.level_year}
            )
        if target is not None and period is not None:
            sentences.append(
                _("Målet for %(period)s er nivå %(target)s.")
                % {"period": period.label, "target": _level_name(content, target.level)}
            )

    counts = content.status_counts
    total = sum(counts.values())
    if total:
        sentences.append(
            ngettext(
                "Strategien har %(total)s tiltak for %(year)s: %(done)s er fullført, "
                "%(progress)s pågår, %(delayed)s er forsinket og %(waiting)s er ikke startet.",
                "Strategien har %(total)s tiltak for %(year)s: %(done)s er fullført, "
                "%(progress)s pågår, %(delayed)s er forsinket og %(waiting)s er ikke startet.",
                total,
            )
            % {
                "total": total,
                "year": year,
                "done": counts[MeasureStatus.DONE],
                "progress": counts[MeasureStatus.IN_PROGRESS],
                "delayed": counts[MeasureStatus.DELAYED],
                "waiting": counts[MeasureStatus.NOT_STARTED],
            }
        )
        if content.overdue:
            sentences.append(
                ngettext(
                    "%(n)s tiltak har passert fristen uten å være fullført.",
                    "%(n)s tiltak har passert fristen uten å være fullført.",
                    content.overdue,
                )
                % {"n": content.overdue}
            )
        else:
            sentences.append(_("Ingen tiltak har passert fristen uten å være fullført."))
    else:
        sentences.append(_("Strategien har ingen tiltak for %(year)s.") % {"year": year})

    used = content.scope.put_to_use_in(year, "total")
    sentences.append(
        ngettext(
            "%(n)s innovasjon ble tatt i bruk i %(year)s.",
            "%(n)s innovasjoner ble tatt i bruk i %(year)s.",
            used,
        )
        % {"n": format_decimal(used), "year": year}
    )
    benefits = content.benefits
    if benefits.benefits:
        sentences.append(
            _(
                "Gevinstene som er målt så langt, er %(amount)s av %(expected_amount)s forventet "
                "per år, og %(hours)s frigjort tid (%(fte)s årsverk) av %(expected_hours)s "
                "forventet."
            )
            % {
                "amount": format_nok(_whole(benefits.realised_amount)),
                "expected_amount": format_nok(_whole(benefits.expected_amount)),
                "hours": format_measure(_whole(benefits.realised_hours), "hours"),
                "fte": format_decimal(fte(benefits.realised_hours, content.per_fte), 1),
                "expected_hours": format_measure(_whole(benefits.expected_hours), "hours"),
            }
        )
    else:
        sentences.append(_("Ingen gevinster er planlagt ennå."))
    if content.kpis_assessed:
        sentences.append(
            ngettext(
                "%(met)s av %(n)s nøkkeltall med mål nådde målet i %(year)s.",
                "%(met)s av %(n)s nøkkeltall med mål nådde målet i %(year)s.",
                content.kpis_assessed,
            )
            % {"met": content.kpis_on_target, "n": content.kpis_assessed, "year": year}
        )
    matrix = content.portfolio.matrix
    sentences.append(
        ngettext(
            "Ved utgangen av rapporten har porteføljen %(n)s aktivt initiativ.",
            "Ved utgangen av rapporten har porteføljen %(n)s aktive initiativer.",
            matrix.total,
        )
        % {"n": format_decimal(matrix.total)}
    )
    return sentences


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    note: str = ""


def key_figures(content: ReportContent) -> list[KeyFigure]:
    """The summary's key figures, beside the sentences."""
    year = content.year
    benefits = content.benefits
    counts = content.status_counts
    level = (
        _level_name(content, content.agreed.level.level) if content.agreed else _("Ikke omforent")
    )
    target = content.staircase.target_level
    return [
        KeyFigure(
            _("Nivå i trappen %(year)s") % {"year": year},
            level,
            _("Mål: %(level)s") % {"level": _level_name(content, target.level)} if target else "",
        ),
        KeyFigure(
            _("Tiltak fullført"),
            _("%(done)s av %(total)s")
            % {"done": counts[MeasureStatus.DONE], "total": sum(counts.values())},
            ngettext("%(n)s over fristen", "%(n)s over fristen", content.overdue)
            % {"n": content.overdue},
        ),
        KeyFigure(
            _("Innovasjoner tatt i bruk"),
            format_decimal(content.scope.put_to_use_in(year, "total")),
            str(year),
        ),
        KeyFigure(
            _("Frigjort tid"),
            format_measure(_whole(benefits.realised_hours), "hours"),
            _("%(fte)s årsverk")
            % {"fte": format_decimal(fte(benefits.realised_hours, content.per_fte), 1)},
        ),
        KeyFigure(
            _("Økonomiske gevinster"),
            format_nok(_whole(benefits.realised_amount)),
            _("av %(expected)s forventet")
            % {"expected": format_nok(_whole(benefits.expected_amount))},
        ),
    ]


def unit_chart(content: ReportContent) -> charts.BarChart:
    """Active initiatives per unit (the same active phases as the matrix)."""
    data = [Datum(name or _("Uten enhet"), n, format_decimal(n)) for name, n in content.by_unit]
    top = content.by_unit[0] if content.by_unit else None
    summary = (
        _("Flest aktive initiativer har %(unit)s (%(n)s av %(total)s).")
        % {
            "unit": top[0] or _("Uten enhet"),
            "n": format_decimal(top[1]),
            "total": format_decimal(content.portfolio.matrix.total),
        }
        if top
        else _("Ingen aktive initiativer.")
    )
    return charts.bar_chart(
        data,
        id="enheter",
        title=_("Aktive initiativer etter enhet"),
        summary=summary,
        label_header=_("Enhet"),
        value_header=_("Initiativer"),
    )


def report_context(content: ReportContent, *, version: int) -> dict[str, Any]:
    """The template's context: the content, its charts (the dashboard's builders) and text."""
    year = content.year
    staircase_chart = figures.staircase_chart(
        content.staircase, agreed=content.level, agreed_year=content.level_year
    )
    return {
        "c": content,
        "organisation": content.organisation,
        "year": year,
        "version": version,
        "today": content.today,
        "made_at": timezone.localtime(),
        "title": f"{STRATEGY_TITLE} {year}",
        "summary": summary_sentences(content),
        "key_figures": key_figures(content),
        "staircase_chart": staircase_chart,
        "role_chart": figures.role_mix_chart(content.role_mix),
        "measure_chart": figures.measure_status_chart(
            content.status_counts, overdue=content.overdue, year=year
        ),
        "kpis": [(row, figures.kpi_trend_chart(row)) for row in content.kpis],
        "phase_type_chart": figures.portfolio_by_phase_chart(content.portfolio.matrix),
        "type_chart": figures.portfolio_by_type_chart(content.portfolio.matrix),
        "unit_chart": unit_chart(content),
        "put_to_use_chart": figures.put_to_use_chart(content.put_to_use_by_type, year=year),
        "initiators_chart": figures.initiators_chart(content.initiators, year=year),
        "benefit_charts": figures.benefit_progress_charts(
            content.benefits, per_fte=content.per_fte
        ),
        "not_done": MeasureStatus.DONE,
    }


def render_report_html(
    organisation: Organisation,
    year: int,
    *,
    version: int,
    notable_ids: Sequence[int] | None = None,
    today: date | None = None,
) -> str:
    """The report as HTML (what WeasyPrint lays out), in Bokmål."""
    with translation.override("nb"):
        content = report_content(
            organisation=organisation, year=year, notable_ids=notable_ids, today=today
        )
        return render_to_string(
            "maturity/report_pdf.html", report_context(content, version=version)
        )


def build_report_files(
    organisation: Organisation,
    year: int,
    *,
    version: int,
    notable_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> ReportFiles:
    """Both PDF files of one version of the organisation's report for `year`."""

    def step(percent: int, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    with translation.override("nb"):
        step(5, _("Henter tallene"))
        started = time.perf_counter()
        html = render_report_html(organisation, year, version=version, notable_ids=notable_ids)
        gathered = time.perf_counter()
        step(30, _("Setter opp sidene"))
        document = layout_pdf(html, static_base_url(), for_archive=True)

        def written(variant: str) -> None:
            if variant == ACCESSIBLE:  # the archive copy may still be being written
                step(85, _("Lager arkivkopien (PDF/A)"))

        # Both at once (portal.pdf.write_pdfs): the archive copy in a forked process.
        step(65, _("Lager den universelt utformede PDF-en"))
        accessible, archive = write_pdfs(document, (ACCESSIBLE, ARCHIVE), written=written)
        finished = time.perf_counter()
        step(100, _("Ferdig"))
    return ReportFiles(
        accessible=accessible,
        archive=archive,
        page_count=len(document.pages),
        gather_seconds=gathered - started,
        layout_seconds=finished - gathered,
    )
