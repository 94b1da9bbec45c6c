"""Form rendering in Designsystemet's markup, shared by every app's forms."""

from __future__ import annotations

from typing import Any, ClassVar

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer, TemplatesSetting
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from portal import identity
from portal.invitations import InviteRow, UnreadableFile, read_rows
from portal.members import check_unit_name, check_unit_parent
from portal.models import Organisation, Role, Unit, User
from portal.signals import DEFAULT_PHASE_TEMPLATE, PHASE_TEMPLATES


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
            render_selects_in_python(widget)


def _html_attrs(attrs: dict[str, Any]) -> str:
    """Django's django/forms/widgets/attrs.html, in Python."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A select rendered in Python to the same HTML as Django's select.html and
    select_option.html: including a template per option cost more than the rest of a list's
    filter form (the idea list's six selects ≈ 6 ms of CPU per request, bench/README.md).
    Choices in groups are left to the templates."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if any(group_name for group_name, _options, _index in groups):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            f'\n  <option value="{escape(str(option["value"]))}"{_html_attrs(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"
            for _group, group_options, _index in groups
            for option in group_options
        )
        head = f'<select name="{conditional_escape(widget["name"])}"{_html_attrs(widget["attrs"])}>'
        return mark_safe(f"{head}{options}\n</select>")  # noqa: S308 (every part escaped)


class PlainSelectMultiple(PlainSelect, forms.SelectMultiple):
    """The same for a multiple select (Django's template is the same one)."""


_PLAIN: dict[type[forms.Widget], type[forms.Widget]] = {
    forms.Select: PlainSelect,
    forms.SelectMultiple: PlainSelectMultiple,
}


def render_selects_in_python(widget: forms.Widget) -> None:
    """Django's own Select and SelectMultiple become PlainSelect(Multiple), state and all;
    subclasses (other templates) are left alone."""
    plain = _PLAIN.get(type(widget))
    if plain is not None:
        widget.__class__ = plain


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
            render_selects_in_python(field.widget)
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


# Organisations, units, members and invitations -------------------------------------------


class OrganisationForm(DesignsystemetFormMixin, forms.ModelForm[Organisation]):
    """What the operator sets on a municipality: ORGANISATION_FIELDS, the phase template and
    its sign-in (saved through portal.identity.configure_entra, with its allauth app)."""

    phase_template = forms.ChoiceField(label=_("Fasemal"), choices=())
    entra_client_id = forms.CharField(
        label=_("Klient-ID (app-registreringen i Entra ID)"),
        required=False,
        max_length=191,
        help_text=_("«Application (client) ID» fra app-registreringen."),
    )
    entra_client_secret = forms.CharField(
        label=_("Klienthemmelighet"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("La stå tom for å beholde den som er lagret."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kommunenummer",
            "slug",
            "is_active",
            "entra_enabled",
            "entra_tenant_id",
            "entra_join",
            "local_login_enabled",
        ]
        help_texts = {
            "kommunenummer": _("Fire siffer, for eksempel 3205 for Lillestrøm."),
            "slug": _("Små bokstaver, tall og bindestrek, for eksempel lillestrom."),
        }

    field_order = [
        "name",
        "kommunenummer",
        "slug",
        "phase_template",
        "is_active",
        "entra_enabled",
        "entra_tenant_id",
        "entra_client_id",
        "entra_client_secret",
        "entra_join",
        "local_login_enabled",
    ]

    def __init__(self, *args: Any, phase_template: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["phase_template"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, str(label)) for value, label in PHASE_TEMPLATES.items()]
        field.initial = phase_template or DEFAULT_PHASE_TEMPLATE
        self.app = identity.entra_app(self.instance) if self.instance.pk else None
        if self.app is not None:
            self.fields["entra_client_id"].initial = self.app.client_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("entra_enabled"):
            if not data.get("entra_tenant_id"):
                self.add_error("entra_tenant_id", _("Oppgi tenant-ID-en når Entra ID er slått på."))
            if not data.get("entra_client_id"):
                self.add_error("entra_client_id", _("Oppgi klient-ID-en når Entra ID er slått på."))
        elif data.get("local_login_enabled") is False:
            self.add_error(
                "local_login_enabled",
                _("Innlogging med passord kan bare slås av når Entra ID er slått på."),
            )
        return data

    def sign_in_changed(self) -> bool:
        """Whether configure_entra has anything to do."""
        data = self.cleaned_data
        names = ["entra_enabled", "entra_tenant_id", "entra_join", "local_login_enabled"]
        stored = self.app.client_id if self.app else ""
        return (
            any(name in self.changed_data for name in names)
            or data.get("entra_client_id", "") != stored
            or bool(data.get("entra_client_secret"))
        )


class UnitForm(DesignsystemetFormMixin, forms.ModelForm[Unit]):
    """A unit's name and place; the checks (unique name, no cycles) are portal.members'."""

    class Meta:
        model = Unit
        fields = ["name", "short_name", "parent", "is_active"]
        error_messages = {"name": {"required": _("Skriv navnet på enheten.")}}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        units = Unit.objects.filter(organisation=organisation)
        if self.instance.pk:
            units = units.exclude(pk=self.instance.pk)
        parent.queryset = units
        parent.empty_label = _("Ingen (øverste nivå)")
        if not self.instance.pk:
            del self.fields["is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit = self.instance if self.instance.pk else None
        try:
            if data.get("name"):
                check_unit_name(unit=unit, name=data["name"], organisation=self.organisation)
            check_unit_parent(unit=unit, parent=data.get("parent"), organisation=self.organisation)
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def validate_unique(self) -> None:
        """The organisation is not a field here: clean() checks the name in it instead."""


class MemberForm(DesignsystemetFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), required=False, empty_label=_("Ingen")
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.filter(organisation=organisation, is_active=True)


class InviteForm(DesignsystemetFormMixin, forms.Form):
    """A pasted list or an uploaded CSV/XLSX file; the rows are read by portal.invitations."""

    emails = forms.CharField(
        label=_("E-postadresser"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=100_000,
        help_text=_(
            "Én adresse per linje. Du kan skrive rolle og enhet etter adressen, skilt med "
            "semikolon: ola@kommune.no; Leder; Hjemmetjenesten"
        ),
    )
    file = forms.FileField(
        label=_("Eller last opp en fil"),
        required=False,
        help_text=_("CSV eller Excel (.xlsx) med kolonnene e-post, rolle og enhet."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    role = forms.ChoiceField(
        label=_("Rolle når lista ikke sier noe"), choices=Role.choices, initial=Role.STAFF
    )
    unit = forms.ModelChoiceField(
        label=_("Enhet når lista ikke sier noe"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Ingen"),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.filter(organisation=organisation, is_active=True)
        self.rows: list[InviteRow] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if not data.get("emails", "").strip() and not data.get("file"):
            self.add_error("emails", _("Skriv inn minst én adresse, eller last opp en fil."))
            return data
        try:
            self.rows = read_rows(
                organisation=self.organisation,
                text=data.get("emails", ""),
                upload=data.get("file"),
                default_role=data["role"],
                default_unit=data.get("unit"),
            )
        except UnreadableFile as error:
            self.add_error("file" if data.get("file") else "emails", str(error))
            return data
        if not self.rows:
            self.add_error("file" if data.get("file") else "emails", _("Lista er tom."))
        return data


class AcceptInvitationForm(DesignsystemetFormMixin, forms.Form):
    """A new person's name and password, checked by Django's password validators."""

    first_name = forms.CharField(label=_("Fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Etternavn"), max_length=150)
    password1 = forms.CharField(
        label=_("Passord"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Gjenta passordet"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("Passordene er ikke like."))
        elif one:
            try:
                validate_password(
                    one,
                    User(
                        email=self.email,
                        first_name=data.get("first_name", ""),
                        last_name=data.get("last_name", ""),
                    ),
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return data
