"""Who may do what to an idea's attachments, judged from the request's membership.

The rules take the `Membership` the middleware has already loaded, so checking them costs no
query. The getters fetch an object and check access in one step (404 for what the user may
not see, 403 for what they may see but not change), as healthchecks' `_get_rw_check_for_user`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ideas import selectors
from ideas.models import Attachment, Idea, IdeaStatus
from portal.http import HtmxRequest
from portal.models import Membership, Role, User


def is_board_member(membership: Membership) -> bool:
    return membership.has_role(Role.BOARD)


def may_add_attachment(idea: Idea, user: User, membership: Membership) -> bool:
    """The submitter while they may edit the idea; the board on any idea it can see."""
    if idea.submitter_id == user.pk and idea.is_editable_by(user, is_board=False):
        return True
    return is_board_member(membership) and idea.status != IdeaStatus.DRAFT


def may_delete_attachment(attachment: Attachment, user: User, membership: Membership) -> bool:
    return is_board_member(membership) or attachment.uploaded_by_id == user.pk


def idea_for_attaching(request: HtmxRequest, pk: int) -> Idea:
    """The idea, if this user may attach files to it."""
    idea = selectors.visible_idea(organisation=request.organisation, user=request.user, pk=pk)
    if not may_add_attachment(idea, request.user, request.membership):
        raise PermissionDenied
    return idea


def visible_attachment(request: HtmxRequest, pk: int, attachment_pk: int) -> Attachment:
    """An attachment of an idea this user may see, reached only through that idea."""
    idea = selectors.visible_idea(organisation=request.organisation, user=request.user, pk=pk)
    attachment = idea.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    attachment.idea = idea  # the visible idea, already fetched with its related rows
    return attachment


def attachment_for_deleting(request: HtmxRequest, pk: int, attachment_pk: int) -> Attachment:
    """The attachment, if this user may delete it."""
    attachment = visible_attachment(request, pk, attachment_pk)
    if not may_delete_attachment(attachment, request.user, request.membership):
        raise PermissionDenied
    return attachment
