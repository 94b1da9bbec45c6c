"""Forms of the yearly assessment: opening a year, a leader's answer for a dimension (the
level reached and the practices in place, each with its evidence) and the agreed level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maturity.models import (
    CriterionTick,
    DimensionAnswer,
    EvidenceKind,
    Kpi,
    MaturityCriterion,
    MaturityLevel,
)
from maturity.services.assessments import TickInput
from portal.concurrency import VersionField
from portal.forms import DescribedRadioSelect, DesignsystemetFormMixin
from portal.params import StrictIntegerField
from portfolio.models import Initiative

FIRST_YEAR = 2000

LINK_INVALID = _("Skriv en hel lenke som begynner med https://, for eksempel https://www.ks.no/.")


class OpenAssessmentForm(DesignsystemetFormMixin, forms.Form):
    year = StrictIntegerField(
        label=_("År"),
        help_text=_("Året ledergruppen vurderer, for eksempel 2025."),
        error_messages={"required": _("Skriv året som skal vurderes.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update(min=FIRST_YEAR, max=timezone.localdate().year + 1)

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        last = timezone.localdate().year + 1
        if not FIRST_YEAR <= year <= last:
            raise forms.ValidationError(
                _("Skriv et år fra %(first)d til %(last)d.") % {"first": FIRST_YEAR, "last": last},
                code="year_range",
            )
        return year


def _level_field(levels: list[MaturityLevel], label: Any, required: Any) -> forms.ChoiceField:
    widget = DescribedRadioSelect()
    widget.descriptions = {str(level.pk): f"«{level.stance}»" for level in levels}
    return forms.ChoiceField(
        label=label,
        choices=[(str(level.pk), f"{level.level}. {level.name}") for level in levels],
        widget=widget,
        error_messages={"required": required, "invalid_choice": required},
    )


@dataclass(frozen=True)
class CriterionFields:
    """A practice in the form: its tick, the evidence its kind asks for, and a note."""

    criterion: MaturityCriterion
    tick: forms.BoundField
    evidence: list[forms.BoundField]
    note: forms.BoundField

    @property
    def has_errors(self) -> bool:
        return any(field.errors for field in (self.tick, *self.evidence, self.note))


@dataclass(frozen=True)
class LevelGroup:
    level: MaturityLevel
    criteria: list[CriterionFields]


class AnswerForm(DesignsystemetFormMixin, forms.Form):
    """A leader's answer for one dimension. Each practice has a tick `p<pk>`, its evidence
    fields `p<pk>-document`, `-url`, `-case_number`, `-initiative` or `-kpi` (as its kind
    asks) and a note `p<pk>-note`. Initiatives and KPIs are choices of the organisation's
    own rows, given by the view: a posted id of anyone else's is an invalid choice."""

    versjon = VersionField()
    comment = forms.CharField(
        label=_("Begrunnelse"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hvorfor dette nivået? Det du skriver her ser resten av ledergruppen."),
    )

    def __init__(
        self,
        *args: Any,
        levels: list[MaturityLevel],
        criteria: list[MaturityCriterion],
        initiatives: dict[int, Initiative],
        kpis: dict[int, Kpi],
        answer: DimensionAnswer | None = None,
        **kwargs: Any,
    ) -> None:
        self.levels = {str(level.pk): level for level in levels}
        self.criteria = criteria
        self.initiatives = initiatives
        self.kpis = kpis
        if answer is not None:
            kwargs.setdefault("initial", self.initial_from(answer))
        super().__init__(*args, **kwargs)
        self.fields["level"] = _level_field(
            levels, _("Nivået dimensjonen har nådd"), _("Velg nivået dimensjonen har nådd.")
        )
        self.order_fields(["versjon", "level", "comment"])
        for criterion in criteria:
            self._add_criterion_fields(criterion)

    @staticmethod
    def initial_from(answer: DimensionAnswer) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "versjon": answer.version,
            "level": str(answer.level_id),
            "comment": answer.comment,
        }
        for tick in answer.ticks.all():
            key = f"p{tick.criterion_id}"
            initial.update(
                {
                    key: True,
                    f"{key}-document": tick.document,
                    f"{key}-url": tick.url,
                    f"{key}-case_number": tick.case_number,
                    f"{key}-initiative": str(tick.initiative_id or ""),
                    f"{key}-kpi": str(tick.kpi_id or ""),
                    f"{key}-note": tick.note,
                }
            )
        return initial

    def _add_criterion_fields(self, criterion: MaturityCriterion) -> None:
        key = f"p{criterion.pk}"
        self.fields[key] = forms.BooleanField(label=_("Praksisen er på plass"), required=False)
        for name in CriterionTick.EVIDENCE_FIELDS[criterion.evidence]:
            self.fields[f"{key}-{name}"] = self._evidence_field(name, criterion)
        self.fields[f"{key}-note"] = forms.CharField(
            label=_("Merknad"), required=False, max_length=500
        )
        for name, field in self.fields.items():
            if name.startswith(f"{key}-") and isinstance(
                field.widget, forms.Select | forms.widgets.Input
            ):
                field.widget.attrs.setdefault("class", "ds-input")

    def _evidence_field(self, name: str, criterion: MaturityCriterion) -> forms.Field:
        if name == "document":
            return forms.CharField(label=_("Dokumenttittel"), required=False, max_length=300)
        if name == "url":
            label = (
                _("Lenke til vedtaket")
                if criterion.evidence == EvidenceKind.DECISION
                else _("Lenke til dokumentet")
            )
            return forms.CharField(
                label=label,
                required=False,
                max_length=500,
                validators=[URLValidator(schemes=["http", "https"], message=LINK_INVALID)],
                widget=forms.URLInput,
                error_messages={"max_length": _("Lenken kan ha høyst 500 tegn.")},
            )
        if name == "case_number":
            return forms.CharField(
                label=_("Saksnummer"),
                required=False,
                max_length=50,
                help_text=_("For eksempel 2025/123."),
                error_messages={"max_length": _("Saksnummeret kan ha høyst 50 tegn.")},
            )
        if name == "initiative":
            choices = [(str(pk), str(i.idea.title)) for pk, i in self.initiatives.items()]
            return forms.ChoiceField(
                label=_("Initiativ"),
                required=False,
                choices=[("", _("Velg initiativ")), *choices],
                error_messages={"invalid_choice": _("Velg et av kommunens initiativer.")},
            )
        choices = [(str(pk), kpi.name) for pk, kpi in self.kpis.items()]
        return forms.ChoiceField(
            label=_("Nøkkeltall"),
            required=False,
            choices=[("", _("Velg nøkkeltall")), *choices],
            error_messages={"invalid_choice": _("Velg et av kommunens nøkkeltall.")},
        )

    def groups(self) -> list[LevelGroup]:
        """The practices by level, for the template."""
        groups: dict[int, LevelGroup] = {}
        for criterion in self.criteria:
            key = f"p{criterion.pk}"
            group = groups.setdefault(criterion.level_id, LevelGroup(criterion.level, []))
            group.criteria.append(
                CriterionFields(
                    criterion=criterion,
                    tick=self[key],
                    evidence=[
                        self[f"{key}-{n}"]
                        for n in CriterionTick.EVIDENCE_FIELDS[criterion.evidence]
                    ],
                    note=self[f"{key}-note"],
                )
            )
        return sorted(groups.values(), key=lambda g: g.level.level)

    def _tick(self, criterion: MaturityCriterion) -> TickInput:
        data = self.cleaned_data
        key = f"p{criterion.pk}"
        initiative_id = data.get(f"{key}-initiative") or ""
        kpi_id = data.get(f"{key}-kpi") or ""
        return TickInput(
            criterion=criterion,
            url=(data.get(f"{key}-url") or "").strip(),
            document=(data.get(f"{key}-document") or "").strip(),
            case_number=(data.get(f"{key}-case_number") or "").strip(),
            initiative=self.initiatives.get(int(initiative_id)) if initiative_id else None,
            kpi=self.kpis.get(int(kpi_id)) if kpi_id else None,
            note=(data.get(f"{key}-note") or "").strip(),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        for criterion in self.criteria:
            key = f"p{criterion.pk}"
            if any(
                f"{key}-{name}" in self.errors
                for name in CriterionTick.EVIDENCE_FIELDS[criterion.evidence]
            ):
                continue  # the field says what is wrong already
            tick = self._tick(criterion)
            if not data.get(key):
                typed = tick.url or tick.document or tick.case_number or tick.initiative
                if typed or tick.kpi:
                    self.add_error(
                        key,
                        _(
                            "Du har fylt inn dokumentasjon, men ikke krysset av: kryss av for "
                            "at praksisen er på plass, eller tøm feltene."
                        ),
                    )
                continue
            row = CriterionTick(
                criterion=criterion,
                url=tick.url,
                document=tick.document,
                case_number=tick.case_number,
                initiative=tick.initiative,
                kpi=tick.kpi,
            )
            for name, message in row.evidence_errors(criterion.evidence).items():
                self.add_error(f"{key}-{name}", message)
        return data

    def add_evidence_errors(self, errors: dict[int, dict[str, str]]) -> None:
        """The service's refusals (EvidenceMissing), at their fields."""
        for criterion_pk, messages in errors.items():
            for name, message in messages.items():
                field = f"p{criterion_pk}-{name}"
                self.add_error(field if field in self.fields else None, message)

    def chosen_level(self) -> MaturityLevel:
        return self.levels[self.cleaned_data["level"]]

    def ticks(self) -> list[TickInput]:
        return [self._tick(c) for c in self.criteria if self.cleaned_data.get(f"p{c.pk}")]


class AgreedLevelForm(DesignsystemetFormMixin, forms.Form):
    """The level the leader group agrees for the year, with its reasoning; a change of an
    agreed level (`revising`) also asks why. `versjon` is the latest version seen (0: none)."""

    versjon = VersionField()
    reasoning = forms.CharField(
        label=_("Begrunnelse"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Hva la ledergruppen vekt på? Nøkkeltallene er støtte, ikke fasit: si hva som avgjorde."
        ),
        error_messages={"required": _("Skriv begrunnelsen for nivået ledergruppen er enige om.")},
    )
    change_reason = forms.CharField(
        label=_("Hvorfor endres nivået?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Den forrige versjonen blir stående og kan leses i historikken."),
        error_messages={"required": _("Skriv hvorfor det omforente nivået endres.")},
    )

    def __init__(
        self, *args: Any, levels: list[MaturityLevel], revising: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.levels = {str(level.pk): level for level in levels}
        self.fields["level"] = _level_field(
            levels, _("Omforent nivå"), _("Velg nivået ledergruppen er enige om.")
        )
        self.order_fields(["versjon", "level", "reasoning", "change_reason"])
        if not revising:
            del self.fields["change_reason"]

    def chosen_level(self) -> MaturityLevel:
        return self.levels[self.cleaned_data["level"]]
