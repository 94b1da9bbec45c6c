"""Ideas framed as «Hvordan kan vi …?», classified by innovation type."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation, Unit


class InnovationTypeCode(models.TextChoices):
    SERVICE = "service", _("Tjenesteinnovasjon")
    PROCESS = "process", _("Prosessinnovasjon")
    ORGANISATIONAL = "organisational", _("Organisatorisk innovasjon")
    SYSTEM = "system", _("Systeminnovasjon")


class InnovationType(models.Model):
    """One of the four innovation types; the help texts are editable per organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="innovation_types"
    )
    code = models.CharField(max_length=20, choices=InnovationTypeCode.choices)
    name = models.CharField(_("navn"), max_length=100)
    description = models.TextField(_("beskrivelse"))
    aim = models.TextField(_("formål"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("innovasjonstype")
        verbose_name_plural = _("innovasjonstyper")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="innovationtype_unique")
        ]

    def __str__(self) -> str:
        return self.name


class StrategicGoal(models.Model):
    """A goal of the municipality's innovation strategy (e.g. «Bremse kostnadsveksten»)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategic_goals"
    )
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        verbose_name = _("strategisk mål")
        verbose_name_plural = _("strategiske mål")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="goal_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class SustainabilityGoal(models.Model):
    """One of the UN sustainability goals the municipal master plan has selected."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sustainability_goals"
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("tittel"), max_length=200)

    class Meta:
        verbose_name = _("bærekraftsmål")
        verbose_name_plural = _("bærekraftsmål")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="sdg_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Tag(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("navn"), max_length=50)

    class Meta:
        verbose_name = _("stikkord")
        verbose_name_plural = _("stikkord")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "organisation", name="tag_unique_name_ci")
        ]

    def __str__(self) -> str:
        return self.name


class ValueType(models.TextChoices):
    """The value types (verdier) of the innovation strategy."""

    QUALITY = "quality", _("Økt kvalitet i tjenestene")
    COCREATION = "cocreation", _("Lettere samskaping")
    RESOURCES = "resources", _("Bedre ressursbruk")
    CITIZENS = "citizens", _("Mer innbyggerinvolvering")
    EMPLOYEES = "employees", _("Medarbeidertilfredshet")


class Initiator(models.TextChoices):
    """Who initiated the idea (as KS' Innovasjonsbarometer asks)."""

    LEADER = "leader", _("Leder")
    EMPLOYEE = "employee", _("Medarbeider")
    CITIZEN = "citizen", _("Innbygger")
    PRIVATE = "private", _("Privat virksomhet")
    POLITICIAN = "politician", _("Politiker")
    VOLUNTEER = "volunteer", _("Frivillig")
    RESEARCH = "research", _("Forskning og utvikling (FoU)")


class Foundation(models.TextChoices):
    """KS' five foundations (N3), each scored 0–3 on the idea."""

    NEED = "need", _("Behov")
    VALUE = "value", _("Løsningens verdi")
    CHAMPION = "champion", _("Ildsjel / pådriver")
    TEAM = "team", _("Team")
    ANCHORING = "anchoring", _("Forankring")


FOUNDATION_QUESTIONS = {
    Foundation.NEED: _("Hva er egentlig behovet vi skal løse?"),
    Foundation.VALUE: _("Skaper løsningen verdi for de som har behovet?"),
    Foundation.CHAMPION: _("Har prosjektet en dedikert pådriver?"),
    Foundation.TEAM: _("Jobber teamet godt sammen, og på lag med pådriveren?"),
    Foundation.ANCHORING: _("Hvem må vi samarbeide med og involvere, for å lykkes?"),
}


class IdeaStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Innkommet")
    ACCEPTED = "accepted", _("Godkjent")
    PARKED = "parked", _("Parkert")
    REJECTED = "rejected", _("Avvist")
    MERGED = "merged", _("Slått sammen")
    WITHDRAWN = "withdrawn", _("Trukket")


CLOSED_STATUSES = frozenset({IdeaStatus.REJECTED, IdeaStatus.MERGED, IdeaStatus.WITHDRAWN})


class IdeaQuerySet(models.QuerySet["Idea"]):
    def for_organisation(self, organisation: Organisation) -> IdeaQuerySet:
        return self.filter(organisation=organisation)


class Idea(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ideas")
    # Type and unit may be empty only while the idea is a draft; submitting requires them.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("enhet"),
        null=True,
        blank=True,
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("innmelder"),
    )
    title = models.CharField(_("tittel"), max_length=120)
    question = models.CharField(_("innovasjonsspørsmål"), max_length=300, blank=True)
    need = models.TextField(_("behov"), max_length=4000, blank=True)
    need_holder = models.CharField(_("hvem har behovet"), max_length=300, blank=True)
    proposed_solution = models.TextField(_("løsningsforslag"), max_length=4000, blank=True)
    affected_parties = models.TextField(_("berørte parter"), max_length=2000, blank=True)
    value_types = models.JSONField(_("forventet verdi"), default=list, blank=True)
    innovation_type = models.ForeignKey(
        InnovationType,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("innovasjonstype"),
        null=True,
        blank=True,
    )
    secondary_types = models.ManyToManyField(
        InnovationType,
        blank=True,
        related_name="secondary_ideas",
        verbose_name=_("andre innovasjonstyper"),
    )
    strategic_goals = models.ManyToManyField(
        StrategicGoal, blank=True, related_name="ideas", verbose_name=_("strategiske mål")
    )
    sustainability_goals = models.ManyToManyField(
        SustainabilityGoal, blank=True, related_name="ideas", verbose_name=_("bærekraftsmål")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="ideas", verbose_name=_("stikkord"))
    initiator = models.CharField(
        _("initiativ fra"), max_length=20, choices=Initiator.choices, default=Initiator.EMPLOYEE
    )
    reuses_solution = models.BooleanField(_("gjenbruker en løsning fra andre"), default=False)
    reuse_url = models.URLField(_("lenke til løsningen"), max_length=500, blank=True)
    score_need = models.PositiveSmallIntegerField(_("behov"), null=True, blank=True)
    score_value = models.PositiveSmallIntegerField(_("løsningens verdi"), null=True, blank=True)
    score_champion = models.PositiveSmallIntegerField(_("pådriver"), null=True, blank=True)
    score_team = models.PositiveSmallIntegerField(_("team"), null=True, blank=True)
    score_anchoring = models.PositiveSmallIntegerField(_("forankring"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.DRAFT
    )
    # Optimistic concurrency: every write bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)
    submitted_at = models.DateTimeField(_("meldt inn"), null=True, blank=True)
    triaged_at = models.DateTimeField(_("behandlet"), null=True, blank=True)
    # The board's new-idea mail has this idea as its outbox row: a worker claims it until
    # `board_mail_claimed_until`, sends, then stamps `board_notified_at` (ideas.emails).
    board_notified_at = models.DateTimeField(null=True, blank=True)
    board_mail_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # PostgreSQL keeps this up to date with a trigger (migration 0006); see ideas.search.
    search_document = SearchVectorField(null=True, editable=False)
    support_count = models.PositiveIntegerField(_("støtter"), default=0)
    comment_count = models.PositiveIntegerField(_("kommentarer"), default=0)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idé")
        verbose_name_plural = _("idéer")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "-submitted_at"]),
            models.Index(fields=["organisation", "submitter", "-created_at"]),
            models.Index(fields=["organisation", "-submitted_at", "-id"]),
            models.Index(fields=["organisation", "innovation_type", "-submitted_at"]),
            models.Index(fields=["organisation", "unit", "-submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score_need__lte=3)
                & models.Q(score_value__lte=3)
                & models.Q(score_champion__lte=3)
                & models.Q(score_team__lte=3)
                & models.Q(score_anchoring__lte=3),
                name="idea_foundation_scores_0_to_3",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", args=[self.pk])

    def foundation_scores(self) -> list[tuple[Foundation, str, int | None]]:
        """(foundation, key question, score) for the five foundations, in KS' order."""
        return [
            (f, str(FOUNDATION_QUESTIONS[f]), getattr(self, f"score_{f.value}")) for f in Foundation
        ]

    def zero_foundations(self) -> list[Foundation]:
        """Foundations scored 0: by KS' «suksessformel» any zero dooms the project."""
        # Not through foundation_scores: its translated questions are not needed here, and
        # the board asks this of every card.
        return [f for f in Foundation if getattr(self, f"score_{f.value}") == 0]

    def is_editable_by(self, user: AbstractBaseUser | AnonymousUser, *, is_board: bool) -> bool:
        """The submitter edits until the board has triaged it; the board after."""
        if self.status in CLOSED_STATUSES:
            return False
        if self.triaged_at is None and self.submitter_id == user.pk:
            return True
        return is_board and self.status != IdeaStatus.DRAFT


class Comment(models.Model):
    """A plain-text comment on an idea. Deleting blanks it, so the thread stays readable."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField(_("kommentar"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["idea", "created_at"])]

    def __str__(self) -> str:
        return self.body[:50]


class Support(models.Model):
    """«Jeg støtter dette»: once per person and idea."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="support_once")]

    def __str__(self) -> str:
        return f"{self.user_id} støtter {self.idea_id}"


class Follow(models.Model):
    """A person who gets notified about an idea (the submitter follows automatically)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} følger {self.idea_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Server-made names: the uploader's file name is kept only as metadata."""
    return f"attachments/{instance.idea.organisation_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("filnavn"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vedlegg")
        verbose_name_plural = _("vedlegg")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """Something a person should hear about; sent at once or in the daily digest.

    The row is the mail's outbox: a worker claims it until `claimed_until` (a lease), sends
    it, then stamps `sent_at` (ideas.emails). Unsent rows are queued again by a beat sweep.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "sent_at"]),
            # The outbox sweep reads the unsent rows only, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="ideas_notification_unsent",
            ),
        ]

    def __str__(self) -> str:
        return self.message
