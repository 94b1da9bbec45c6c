"""Form rendering in Designsystemet's markup, shared by every app's forms."""

from __future__ import annotations

from typing import Any, ClassVar

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from portal import identity
from portal.models import User


class FormRenderer(TemplatesSetting):
    """Renders every field with templates/forms/field.html (label, help, error, input)."""

    field_template_name = "forms/field.html"


INPUT_WIDGETS = (forms.widgets.Input, forms.Textarea, forms.Select)


class DesignsystemetFormMixin:
    """Adds Designsystemet's classes to the widgets of a form."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, INPUT_WIDGETS) and not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "ds-input")


class QueryFilterForm(forms.Form):
    """A list's filters, read from the query string. A bad value is shown as an error at its
    field and left out of ``filters()``, never used and never a 500.

    ``KEYS`` maps a query-string name (the Norwegian one the URL shows) to the English key
    the selectors take; a name not in it is passed on as it is.
    """

    KEYS: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "ds-input"

    def set_choices(self, name: str, choices: list[tuple[str, Any]], *, any_: bool = True) -> None:
        """Set a choice field's options, after «Alle» (no filter) unless ``any_`` is false."""
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Alle")), *choices] if any_ else choices

    def filters(self) -> dict[str, Any]:
        """The valid filters that are set, by the selectors' keys."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            self.KEYS.get(name, name): value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", False)
        }


class DescribedRadioSelect(forms.RadioSelect):
    """Radio buttons that show a description under each choice (e.g. the innovation types)."""

    template_name = "portal/widgets/described_select.html"
    option_template_name = "portal/widgets/described_option.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.descriptions: dict[str, str] = {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["description"] = self.descriptions.get(str(option["value"]), "")
        option["input_type"] = self.input_type
        return option


class DescribedCheckboxes(DescribedRadioSelect):
    input_type = "checkbox"
    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)


class LoginForm(DesignsystemetFormMixin, AllauthLoginForm):
    """allauth's login form with visible labels only (placeholders are not labels)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        # The template shows the «forgot password» link beside the button instead.
        self.fields["password"].help_text = ""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        user = getattr(self, "user", None)
        if user is not None and (organisation := identity.refuses_local_login(user)):
            refusal = identity.SignInRefused(identity.Refusal.LOCAL_LOGIN_OFF, organisation)
            identity.log_refusal(refusal, user_id=user.pk)
            self.user = None
            raise forms.ValidationError(refusal.message, code="local_login_off")
        return cleaned


class EmailFrequencySelect(forms.RadioSelect):
    """Radio buttons in Designsystemet's markup (input before label, each in a ds-field)."""

    template_name = "portal/widgets/radio_select.html"
    option_template_name = "portal/widgets/radio_option.html"


class EmailFrequencyForm(forms.ModelForm[User]):
    """How often a person gets email about the ideas they have submitted or follow."""

    class Meta:
        model = User
        fields = ["email_frequency"]
        labels = {"email_frequency": _("Hvor ofte vil du ha e-post om idéer du følger?")}
        help_texts = {
            "email_frequency": _(
                "Du får e-post om nye kommentarer og statusendringer. "
                "Det daglige sammendraget kommer kl. 06.30."
            )
        }
        widgets = {"email_frequency": EmailFrequencySelect}
        error_messages = {
            "email_frequency": {
                "required": _("Velg hvor ofte du vil ha e-post."),
                "invalid_choice": _("Velg ett av de tre valgene."),
            }
        }


class StatementForm(DesignsystemetFormMixin, forms.Form):
    """The organisation's own accessibility or privacy statement (portal.statements)."""

    text = forms.CharField(
        label=_("Teksten på siden"),
        widget=forms.Textarea(attrs={"rows": 24}),
        max_length=20000,
        required=False,
        help_text=_(
            "Skriv vanlig tekst. En tom linje skiller avsnitt, «## » først i et avsnitt gjør "
            "det til en overskrift, og linjer som starter med «- » blir en liste. Nettadresser "
            "og e-postadresser blir lenker. La feltet stå tomt for standardteksten."
        ),
        error_messages={"max_length": _("Teksten kan ha høyst %(limit_value)d tegn.")},
    )


class AccessibilityStatementForm(StatementForm):
    url = forms.URLField(
        label=_("Lenke til erklæringen i uustatus.no"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("Adressen til erklæringen dere har publisert i uustatus.no."),
        error_messages={
            "invalid": _(
                "Skriv en hel nettadresse, for eksempel https://uustatus.no/nb/erklaringer/publisert/…"
            )
        },
    )
