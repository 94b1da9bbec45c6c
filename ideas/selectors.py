"""Reads of ideas, always scoped to one organisation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypedDict

from django.db.models import Exists, Q
from django.http import Http404
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from ideas.models import Comment, Follow, Idea, IdeaQuerySet, IdeaStatus, Support
from ideas.search import search_ideas
from portal.models import Organisation, User

LIST_RELATED = ("unit", "innovation_type", "submitter")
# Lists other than «mine» never hold drafts, so submitted_at is set and the plain order
# matches the (organisation, -submitted_at, -id) index (bench/README.md).
SORTS: dict[str, tuple[Any, ...]] = {
    "": ("-submitted_at", "-id"),
    "eldst": ("submitted_at", "id"),
    "stotte": ("-support_count", "-id"),
    "kommentarer": ("-comment_count", "-id"),
    "tittel": ("title", "id"),
}


# What an idea card shows (templates/ideas/includes/idea_card.html), and all the lists read:
# not the long texts, the search document or the submitter.
CARD_FIELDS = (
    "title",
    "question",
    "status",
    "submitted_at",
    "support_count",
    "comment_count",
    "unit__name",
    "innovation_type__name",
)
_URL_SLOT = 2_147_483_647


def idea_cards(ideas: IdeaQuerySet) -> IdeaQuerySet:
    """The ideas with only what their cards show."""
    return ideas.select_related(None).select_related("unit", "innovation_type").only(*CARD_FIELDS)


def _url_maker(name: str) -> Callable[[int], str]:
    head, _slot, tail = reverse(name, args=[_URL_SLOT]).partition(str(_URL_SLOT))
    return lambda pk: f"{head}{pk}{tail}"


def prepare_cards(ideas: Iterable[Idea]) -> None:
    """What each card shows that its template would otherwise compute per card: its link
    and its date, supporters and comments in words. A {% blocktranslate %} in the card cost
    more than the rest of it (25 cards a page); these are the same catalogue entries."""
    detail_url = _url_maker("ideas:detail")
    for idea in ideas:
        idea.card_url = detail_url(idea.pk)  # type: ignore[attr-defined]
        submitted = ""
        if idea.submitted_at is not None:
            day = format_date(localtime(idea.submitted_at), "j. F Y")
            submitted = gettext("Meldt inn %(date)s") % {"date": day}
        idea.submitted_text = submitted  # type: ignore[attr-defined]
        supports, comments = idea.support_count, idea.comment_count
        idea.support_text = ngettext(  # type: ignore[attr-defined]
            "%(counter)s støtter", "%(counter)s støtter", supports
        ) % {"counter": supports}
        idea.comment_text = ngettext(  # type: ignore[attr-defined]
            "%(counter)s kommentar", "%(counter)s kommentarer", comments
        ) % {"counter": comments}


def idea_list(*, organisation: Organisation, submitter: User | None = None) -> IdeaQuerySet:
    """Ideas visible in lists: everything but drafts, or all of one submitter's ideas."""
    ideas = Idea.objects.for_organisation(organisation).select_related(*LIST_RELATED)
    if submitter is not None:
        # Newest first, drafts (not yet submitted) included.
        return ideas.filter(submitter=submitter).order_by("-created_at", "-id")
    return ideas.exclude(status=IdeaStatus.DRAFT).order_by("-submitted_at", "-id")


def filtered_ideas(
    *, organisation: Organisation, user: User, filters: dict[str, Any]
) -> IdeaQuerySet:
    """The idea list with the filters of IdeaFilterForm applied, searched and sorted.

    Drafts are shown only to their author, and only under «mine».
    """
    if filters.get("mine"):
        ideas = idea_list(organisation=organisation, submitter=user)
    else:
        ideas = idea_list(organisation=organisation)
    lookups = {
        "type": "innovation_type__code",
        "status": "status",
        "unit": "unit_id",
        "goal": "strategic_goals",
        "tag": "tags__name__iexact",
        "initiator": "initiator",
    }
    for key, lookup in lookups.items():
        if key in filters:
            ideas = ideas.filter(**{lookup: filters[key]})
    if filters.get("followed"):
        followed = Follow.objects.filter(user=user).values("idea_id")
        ideas = ideas.filter(Q(pk__in=followed) | Q(submitter=user))
    if filters.get("q"):
        ideas = search_ideas(ideas, filters["q"])
        if filters.get("sort", "treff") == "treff":
            return ideas
    sort = filters.get("sort", "")
    if filters.get("mine") and not sort:
        return ideas  # idea_list's own order: newest first, drafts included
    return ideas.order_by(*SORTS.get(sort, SORTS[""]))


def visible_idea(
    *, organisation: Organisation, user: User, pk: int, with_initiative: bool = False
) -> Idea:
    """The idea if this user may see it: same organisation, and drafts only for their author.

    Anything else is a 404, so that other organisations' ideas are not even confirmed.
    `with_initiative` reads its initiative and phase in the same query (the idea page shows
    them once it is accepted).
    """
    related = [*LIST_RELATED, "initiative__phase"] if with_initiative else LIST_RELATED
    idea = (
        Idea.objects.for_organisation(organisation).select_related(*related).filter(pk=pk).first()
    )
    if idea is None or (idea.status == IdeaStatus.DRAFT and idea.submitter_id != user.pk):
        raise Http404
    return idea


def comment_thread(*, idea: Idea) -> list[Comment]:
    """The idea's comments, oldest first, with their authors (one query)."""
    return list(idea.comments.select_related("author"))


class CollaborationState(TypedDict):
    supported: bool
    following: bool


def collaboration_state(*, idea: Idea, user: User) -> CollaborationState:
    """Whether the user supports and follows the idea, in one query."""
    return (
        Idea.objects.filter(pk=idea.pk)
        .values(
            supported=Exists(Support.objects.filter(idea=idea, user=user)),
            following=Exists(Follow.objects.filter(idea=idea, user=user)),
        )
        .get()
    )
