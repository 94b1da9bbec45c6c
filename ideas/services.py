"""Writes to ideas. Each service runs in one transaction and records its domain event."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ideas import permissions, uploads
from ideas.events import IdeaAction
from ideas.models import (
    CLOSED_STATUSES,
    Attachment,
    Comment,
    Follow,
    Idea,
    IdeaStatus,
    InnovationType,
    Support,
    Tag,
)
from ideas.notifications import notify_followers
from ideas.tasks import notify_board_of_new_idea
from portal.celery import enqueue_on_commit
from portal.concurrency import lock_at_version, save_new_version
from portal.events import changes, record_change, record_event, snapshot
from portal.models import Membership, Organisation, Unit, User

logger = logging.getLogger(__name__)

IDEA_EVENT_FIELDS = (
    "title",
    "question",
    "need",
    "need_holder",
    "proposed_solution",
    "affected_parties",
    "value_types",
    "innovation_type",
    "unit",
    "initiator",
    "reuses_solution",
    "reuse_url",
    "score_need",
    "score_value",
    "score_champion",
    "score_team",
    "score_anchoring",
    "status",
)
RELATION_FIELDS = ("secondary_types", "strategic_goals", "sustainability_goals")
SCALAR_FIELDS = frozenset(IDEA_EVENT_FIELDS) - {"status"}


class IncompleteIdea(ValueError):
    """An idea is submitted without the fields the board needs."""


def idea_state(idea: Idea) -> dict[str, Any]:
    """What an event stores as before/after: the fields, relation ids and tag names."""
    state = snapshot(idea, IDEA_EVENT_FIELDS)
    for name in RELATION_FIELDS:
        state[name] = sorted(getattr(idea, name).values_list("pk", flat=True))
    state["tags"] = sorted(idea.tags.values_list("name", flat=True))
    return state


def _apply(idea: Idea, organisation: Organisation, fields: dict[str, Any]) -> None:
    """Set the scalar fields on the instance; refuse objects of another organisation."""
    for name, value in fields.items():
        if name in RELATION_FIELDS or name == "tag_names":
            continue
        if name not in SCALAR_FIELDS:
            raise TypeError(f"Unknown idea field {name!r}.")
        owner = getattr(value, "organisation_id", organisation.pk)
        if owner != organisation.pk:
            raise ValueError(f"{name} belongs to another organisation.")
        setattr(idea, name, value)


def _set_relations(idea: Idea, fields: dict[str, Any]) -> None:
    for name in RELATION_FIELDS:
        if name in fields:
            values = list(fields[name] or [])
            if any(v.organisation_id != idea.organisation_id for v in values):
                raise ValueError(f"{name} belong to another organisation.")
            getattr(idea, name).set(values)
    if "tag_names" in fields:
        tags = []
        for name in fields["tag_names"]:
            tag = Tag.objects.filter(organisation=idea.organisation, name__iexact=name).first()
            tags.append(tag or Tag.objects.create(organisation=idea.organisation, name=name))
        idea.tags.set(tags)


def _require_complete(idea: Idea) -> None:
    missing = [
        name
        for name in ("question", "need", "innovation_type_id", "unit_id")
        if not getattr(idea, name)
    ]
    if missing:
        raise IncompleteIdea(f"Cannot submit without {', '.join(missing)}.")


def _queue_board_notification(idea: Idea) -> None:
    # The idea is the outbox row: a broker that is down is logged, and the sweep sends it.
    enqueue_on_commit(notify_board_of_new_idea, idea.pk)


@transaction.atomic
def submit_idea(
    *,
    organisation: Organisation,
    submitter: User,
    title: str,
    question: str,
    need: str,
    innovation_type: InnovationType,
    unit: Unit,
    submitted_at: datetime | None = None,
    notify_board: bool = True,
    **fields: Any,
) -> Idea:
    """Register a new idea and place it in the board's triage inbox («Innkommet»).

    `fields` are the optional idea fields (need_holder, value_types, secondary_types,
    tag_names, score_need …). `submitted_at` keeps the original date of ideas imported
    from earlier tools (spreadsheets, Viima); such imports usually pass `notify_board=False`.
    """
    submitted_at = submitted_at or timezone.now()
    idea = Idea(organisation=organisation, submitter=submitter)
    _apply(
        idea,
        organisation,
        {
            "title": title,
            "question": question,
            "need": need,
            "innovation_type": innovation_type,
            "unit": unit,
            **fields,
        },
    )
    idea.status = IdeaStatus.SUBMITTED
    idea.submitted_at = submitted_at
    if not notify_board:  # an import: nothing for the board-mail outbox to send
        idea.board_notified_at = submitted_at
    _require_complete(idea)
    idea.full_clean()
    idea.save()
    Follow.objects.create(idea=idea, user=submitter)  # the submitter hears about replies
    _set_relations(idea, fields)
    record_event(
        organisation=organisation,
        actor=submitter,
        action=IdeaAction.SUBMITTED,
        subject=idea,
        after=idea_state(idea),
        occurred_at=submitted_at,
    )
    if notify_board:
        _queue_board_notification(idea)
    return idea


@transaction.atomic
def save_draft(*, organisation: Organisation, submitter: User, title: str, **fields: Any) -> Idea:
    """Keep an unfinished idea, visible only to its author, to finish and submit later."""
    idea = Idea(organisation=organisation, submitter=submitter, status=IdeaStatus.DRAFT)
    _apply(idea, organisation, {"title": title, **fields})
    idea.full_clean()
    idea.save()
    Follow.objects.create(idea=idea, user=submitter)  # the submitter hears about replies
    _set_relations(idea, fields)
    record_event(
        organisation=organisation,
        actor=submitter,
        action=IdeaAction.DRAFT_CREATED,
        subject=idea,
        after=idea_state(idea),
    )
    return idea


def lock_idea(*, idea: Idea, expected_version: int) -> Idea:
    """The idea locked until the transaction ends, if still at `expected_version`; else
    StaleVersion (someone saved or decided it meanwhile) or RowBusy (locked too long)."""
    return lock_at_version(Idea.objects.all(), pk=idea.pk, expected=expected_version)


@transaction.atomic
def update_idea(*, idea: Idea, actor: User, expected_version: int, **fields: Any) -> Idea:
    """Save an edit if nobody else saved since `expected_version`; else StaleVersion."""
    current = lock_idea(idea=idea, expected_version=expected_version)
    before = idea_state(current)
    _apply(current, current.organisation, fields)
    if current.status != IdeaStatus.DRAFT:
        _require_complete(current)
    current.full_clean()
    _set_relations(current, fields)
    after = idea_state(current)  # the fields as set in memory, the relations as stored
    if after != before:  # a save that changes nothing keeps the version (and updated_at)
        save_new_version(current)
    record_change(
        before=before,
        after=after,
        organisation=current.organisation,
        actor=actor,
        action=IdeaAction.EDITED,
        subject=current,
    )
    return current


@transaction.atomic
def submit_draft(*, idea: Idea, actor: User, expected_version: int, **fields: Any) -> Idea:
    """Save the last edits of a draft and send it to the board's inbox."""
    current = lock_idea(idea=idea, expected_version=expected_version)
    if current.status != IdeaStatus.DRAFT:
        raise ValueError("Only drafts can be submitted.")
    before = idea_state(current)
    _apply(current, current.organisation, fields)
    current.status = IdeaStatus.SUBMITTED
    current.submitted_at = timezone.now()
    _require_complete(current)
    current.full_clean()
    save_new_version(current)
    _set_relations(current, fields)
    changed_before, changed_after = changes(before, idea_state(current))
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=IdeaAction.SUBMITTED,
        subject=current,
        before=changed_before,
        after=changed_after,
    )
    _queue_board_notification(current)
    return current


@transaction.atomic
def withdraw_idea(*, idea: Idea, actor: User, expected_version: int) -> Idea:
    """The submitter takes the idea back. It stays readable, with its history."""
    current = lock_idea(idea=idea, expected_version=expected_version)
    if current.status in CLOSED_STATUSES:
        raise ValueError("The idea is already closed.")
    before = {"status": current.status}
    current.status = IdeaStatus.WITHDRAWN
    save_new_version(current, update_fields=["status", "updated_at"])
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=IdeaAction.WITHDRAWN,
        subject=current,
        before=before,
        after={"status": current.status},
    )
    notify_status_change(current, actor)
    return current


@transaction.atomic
def close_idea(*, idea: Idea, actor: User, status: IdeaStatus, reason: str = "") -> Idea:
    """Settle the board's decision on the idea: its new status, when it was first triaged
    and a new version, then tell the submitter and followers (with `reason`, for a
    rejection). The caller holds the lock (`lock_idea`) and records the decision's event."""
    idea.status = status
    idea.triaged_at = idea.triaged_at or timezone.now()
    save_new_version(idea, update_fields=["status", "triaged_at", "updated_at"])
    if reason:
        notify_followers(
            idea=idea,
            actor=actor,
            message=_("Status for «%(title)s» er nå: %(status)s. Begrunnelse: %(reason)s")
            % {"title": idea.title, "status": idea.get_status_display(), "reason": reason},
        )
    else:
        notify_status_change(idea, actor)
    return idea


@transaction.atomic
def transfer_followers(*, source: Idea, target: Idea) -> None:
    """Followers and supporters of `source` follow and support `target` too (a merge); who
    already did keeps one row, and the target's counters are counted again."""
    followers = Follow.objects.filter(idea=source).exclude(
        user__in=Follow.objects.filter(idea=target).values("user")
    )
    Follow.objects.bulk_create(Follow(idea=target, user_id=f.user_id) for f in followers)
    supporters = Support.objects.filter(idea=source).exclude(
        user__in=Support.objects.filter(idea=target).values("user")
    )
    Support.objects.bulk_create(Support(idea=target, user_id=s.user_id) for s in supporters)
    _recount(target)


def _recount(idea: Idea) -> None:
    """Set the idea's counters from the rows themselves, in one UPDATE: a counter bumped by
    F() drifts when two requests race or a merge copies rows; a count cannot."""

    def count(model: type[Support] | type[Comment], **filters: Any) -> Subquery:
        rows = model.objects.filter(idea=OuterRef("pk"), **filters).order_by()
        return Subquery(rows.values("idea").annotate(n=Count("pk")).values("n")[:1])

    Idea.objects.filter(pk=idea.pk).update(
        support_count=Coalesce(count(Support), 0),
        comment_count=Coalesce(count(Comment, deleted_at__isnull=True), 0),
    )
    idea.refresh_from_db(fields=["support_count", "comment_count"])


def notify_status_change(idea: Idea, actor: User | None) -> None:
    """Tell the submitter and followers that the status changed."""
    notify_followers(
        idea=idea,
        actor=actor,
        message=_("Status for «%(title)s» er nå: %(status)s.")
        % {"title": idea.title, "status": idea.get_status_display()},
    )


# Collaboration: comments, support («Jeg støtter dette») and following. The events name the
# idea as their subject, so the idea's history shows them.


def _refuse_drafts(idea: Idea) -> None:
    if idea.status == IdeaStatus.DRAFT:
        raise PermissionDenied("A draft cannot be commented on or supported until submitted.")


def _comment_state(comment: Comment) -> dict[str, Any]:
    return {"comment": comment.pk, "body": comment.body}


def _lock_comment(comment: Comment) -> Comment:
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("idea__organisation")
        .get(pk=comment.pk)
    )


@transaction.atomic
def add_comment(*, idea: Idea, author: User, body: str) -> Comment:
    """Add a plain-text comment and tell the submitter and the followers."""
    _refuse_drafts(idea)
    comment = Comment(idea=idea, author=author, body=body)
    comment.full_clean()
    comment.save()
    _recount(idea)
    record_event(
        organisation=idea.organisation,
        actor=author,
        action=IdeaAction.COMMENT_ADDED,
        subject=idea,
        after=_comment_state(comment),
    )
    notify_followers(
        idea=idea,
        actor=author,
        message=_("%(name)s kommenterte «%(title)s»: %(excerpt)s")
        % {"name": author, "title": idea.title, "excerpt": Truncator(body).chars(200)},
    )
    return comment


@transaction.atomic
def edit_comment(*, comment: Comment, editor: User, body: str) -> Comment:
    """Change the text of one's own comment; anyone else gets PermissionDenied."""
    current = _lock_comment(comment)
    if current.author_id != editor.pk or current.deleted_at is not None:
        raise PermissionDenied("Only the author can edit a comment.")
    if current.body == body:
        return current
    before = _comment_state(current)
    current.body = body
    current.full_clean()
    current.edited_at = timezone.now()
    current.save(update_fields=["body", "edited_at"])
    record_event(
        organisation=current.idea.organisation,
        actor=editor,
        action=IdeaAction.COMMENT_EDITED,
        subject=current.idea,
        before=before,
        after=_comment_state(current),
    )
    return current


@transaction.atomic
def delete_comment(*, comment: Comment, actor: User) -> Comment:
    """Delete one's own comment: the text is blanked, its place in the thread kept.

    Later comments may answer it, so the thread shows «Kommentaren er slettet» instead.
    """
    current = _lock_comment(comment)
    if current.author_id != actor.pk:
        raise PermissionDenied("Only the author can delete a comment.")
    if current.deleted_at is not None:
        return current
    before = _comment_state(current)
    current.body = ""
    current.deleted_at = timezone.now()
    current.save(update_fields=["body", "deleted_at"])
    # The caller's idea (comment.idea) shows the new count too.
    _recount(comment.idea)
    record_event(
        organisation=current.idea.organisation,
        actor=actor,
        action=IdeaAction.COMMENT_DELETED,
        subject=current.idea,
        before=before,
        after=_comment_state(current),
    )
    return current


@transaction.atomic
def support_idea(*, idea: Idea, user: User) -> bool:
    """«Jeg støtter dette», once per person: supporting again changes nothing.

    Returns whether the support was new; `idea.support_count` is brought up to date.
    """
    _refuse_drafts(idea)
    _support, created = Support.objects.get_or_create(idea=idea, user=user)
    if created:
        _recount(idea)
        record_event(
            organisation=idea.organisation, actor=user, action=IdeaAction.SUPPORTED, subject=idea
        )
    else:
        idea.refresh_from_db(fields=["support_count"])
    return created


@transaction.atomic
def unsupport_idea(*, idea: Idea, user: User) -> bool:
    """Take one's support back; returns whether there was any to take back."""
    deleted, _by_model = Support.objects.filter(idea=idea, user=user).delete()
    if deleted:
        _recount(idea)
        record_event(
            organisation=idea.organisation, actor=user, action=IdeaAction.UNSUPPORTED, subject=idea
        )
    else:
        idea.refresh_from_db(fields=["support_count"])
    return bool(deleted)


@transaction.atomic
def follow_idea(*, idea: Idea, user: User) -> bool:
    """Get notified about new comments and status changes; returns whether it was new."""
    _follow, created = Follow.objects.get_or_create(idea=idea, user=user)
    if created:
        record_event(
            organisation=idea.organisation, actor=user, action=IdeaAction.FOLLOWED, subject=idea
        )
    return created


@transaction.atomic
def unfollow_idea(*, idea: Idea, user: User) -> bool:
    """Stop following; returns whether the person was following."""
    deleted, _by_model = Follow.objects.filter(idea=idea, user=user).delete()
    if deleted:
        record_event(
            organisation=idea.organisation, actor=user, action=IdeaAction.UNFOLLOWED, subject=idea
        )
    return bool(deleted)


def _attachment_state(attachment: Attachment) -> dict[str, Any]:
    return {
        "name": attachment.original_name,
        "size": attachment.size,
        "content_type": attachment.content_type,
    }


@transaction.atomic(durable=True)
def add_attachment(
    *,
    idea: Idea,
    uploaded_by: User,
    upload: UploadedFile[bytes],
    membership: Membership | None = None,
) -> Attachment:
    """Store a file under a server-made name and record `attachment.added`.

    The upload is checked here again (content, size, name), so no caller can skip the check:
    a refused file raises ValidationError, someone who may not attach PermissionDenied. A file
    the storage cannot write (disk full, no permission) raises ValidationError too, with a
    message for the uploader, and leaves no row behind.

    Durable: it never runs inside a caller's transaction, so once it returns the row is
    committed, and the only rollback that can strand the stored file is one inside this
    function, which removes the file. `membership` is the request's (no query); without one
    it is looked up.
    """
    if membership is None:
        membership = Membership.objects.get(user=uploaded_by, organisation_id=idea.organisation_id)
    if not permissions.may_add_attachment(idea, uploaded_by, membership):
        raise PermissionDenied
    kind = uploads.check_upload(upload)
    attachment = Attachment(
        idea=idea,
        uploaded_by=uploaded_by,
        original_name=uploads.clean_name(upload.name or ""),
        content_type=kind.content_type,
        size=upload.size or 0,
    )
    # attachment_path names the stored file; the uploader's name is only metadata.
    try:
        attachment.file.save(attachment.original_name, upload, save=False)
    except OSError as error:
        logger.error("Could not store an attachment for idea %s: %s", idea.pk, error)
        raise uploads.storage_failed() from error
    try:
        attachment.save()
        record_event(
            organisation=idea.organisation,
            actor=uploaded_by,
            action=IdeaAction.ATTACHMENT_ADDED,
            subject=idea,
            after=_attachment_state(attachment),
        )
    except BaseException:
        attachment.file.delete(save=False)  # no row points at it
        raise
    return attachment


@transaction.atomic
def delete_attachment(
    *, attachment: Attachment, actor: User, membership: Membership | None = None
) -> None:
    """Delete an attachment (its uploader, the board or an administrator); the file goes
    after commit, so a rolled-back delete still has its file. `membership` as in
    `add_attachment`."""
    idea = attachment.idea
    if membership is None:
        membership = Membership.objects.get(user=actor, organisation_id=idea.organisation_id)
    if not permissions.may_delete_attachment(attachment, actor, membership):
        raise PermissionDenied
    before = _attachment_state(attachment)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    record_event(
        organisation=idea.organisation,
        actor=actor,
        action=IdeaAction.ATTACHMENT_DELETED,
        subject=idea,
        before=before,
    )
    if name:
        transaction.on_commit(lambda: storage.delete(name))
