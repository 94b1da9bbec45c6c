"""What the ideas app holds about a person: their part of the download and of an erasure
(registered with portal.privacy from IdeasConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from ideas.events import IdeaAction
from ideas.models import Attachment, Comment, Follow, Idea, Notification, Support
from ideas.services import _recount
from portal.models import DomainEvent, Organisation, User
from portal.privacy import REMOVED_TEXT, Erasure


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def export(user: User, organisation: Organisation) -> dict[str, Any]:
    """Ideas, comments, support, follows, attachments and notifications (7 queries)."""
    ideas = Idea.objects.filter(organisation=organisation, submitter=user).select_related(
        "unit", "innovation_type"
    )
    comments = Comment.objects.filter(idea__organisation=organisation, author=user)
    return {
        "idéer": [
            {
                "id": idea.pk,
                "tittel": idea.title,
                "innovasjonsspørsmål": idea.question,
                "behov": idea.need,
                "hvem_har_behovet": idea.need_holder,
                "løsningsforslag": idea.proposed_solution,
                "berørte_parter": idea.affected_parties,
                "status": idea.get_status_display(),
                "enhet": idea.unit.name if idea.unit else None,
                "innovasjonstype": idea.innovation_type.name if idea.innovation_type else None,
                "opprettet": _when(idea.created_at),
                "meldt_inn": _when(idea.submitted_at),
            }
            for idea in ideas.order_by("created_at", "id")
        ],
        "kommentarer": [
            {
                "idé": c.idea_id,
                "tekst": c.body,
                "skrevet": _when(c.created_at),
                "endret": _when(c.edited_at),
                "slettet": _when(c.deleted_at),
            }
            for c in comments.order_by("created_at", "id")
        ],
        "støtter": [
            {"idé": s.idea_id, "tittel": s.idea.title, "siden": _when(s.created_at)}
            for s in Support.objects.filter(idea__organisation=organisation, user=user)
            .select_related("idea")
            .order_by("created_at", "id")
        ],
        "følger": [
            {"idé": f.idea_id, "tittel": f.idea.title, "siden": _when(f.created_at)}
            for f in Follow.objects.filter(idea__organisation=organisation, user=user)
            .select_related("idea")
            .order_by("created_at", "id")
        ],
        "vedlegg": [
            {"idé": a.idea_id, "filnavn": a.original_name, "størrelse": a.size}
            for a in Attachment.objects.filter(
                idea__organisation=organisation, uploaded_by=user
            ).order_by("created_at", "id")
        ],
        "varsler": [
            {
                "idé": n.idea_id,
                "melding": n.message,
                "laget": _when(n.created_at),
                "sendt": _when(n.sent_at),
            }
            for n in Notification.objects.filter(
                idea__organisation=organisation, recipient=user
            ).order_by("created_at", "id")
        ],
    }


def erase(erasure: Erasure) -> None:
    """Blank the person's comments (every version of their text goes to `erasure.texts`, so
    the event log loses it too), drop the excerpts of them in others' notifications, and
    delete the notifications meant for the person."""
    user = erasure.user
    comments = Comment.objects.filter(author=user)
    texts = {body for body in comments.values_list("body", flat=True) if body}
    # Earlier versions of an edited or deleted comment live only in its events.
    events = DomainEvent.objects.filter(
        actor=user,
        action__in=[
            IdeaAction.COMMENT_ADDED,
            IdeaAction.COMMENT_EDITED,
            IdeaAction.COMMENT_DELETED,
        ],
    )
    for before, after in events.values_list("before", "after"):
        for state in (before, after):
            body = state.get("body") if isinstance(state, dict) else None
            if body:
                texts.add(body)
    erasure.texts |= texts
    erasure.counts["comments"] = comments.exclude(body="", deleted_at__isnull=False).update(
        body="", deleted_at=timezone.now()
    )
    for idea in Idea.objects.filter(comments__author=user).distinct():
        _recount(idea)  # a blanked comment is a deleted one: no longer counted
    # «Navn kommenterte «Tittel»: utdrag» in the followers' notifications (add_comment).
    excerpts = {Truncator(text).chars(200) for text in texts}
    if excerpts:
        query = Q()
        for excerpt in excerpts:
            query |= Q(message__contains=excerpt)
        for notification in Notification.objects.filter(query).exclude(recipient=user):
            message = notification.message
            for excerpt in sorted(excerpts, key=len, reverse=True):
                message = message.replace(excerpt, REMOVED_TEXT)
            Notification.objects.filter(pk=notification.pk).update(message=message)
    erasure.counts["notifications"] = Notification.objects.filter(recipient=user).delete()[0]
