"""Finding an organisation's initiatives by title or idea number, a few at a time: the
initiative pickers of the forms that link initiatives load them on demand this way instead of
listing every initiative of the organisation."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Case, Q, Value, When

from ideas.search import MAX_QUERY_LENGTH
from portal.params import parse_id
from portfolio.models import Initiative, InitiativeQuerySet

SEARCH_LIMIT = 20


def find_initiatives(
    initiatives: InitiativeQuerySet,
    text: str,
    *,
    exclude: Collection[int] = (),
    limit: int = SEARCH_LIMIT,
) -> list[Initiative]:
    """At most `limit` of `initiatives` whose title contains `text` or whose idea has the
    number `text` (that one first), by title, leaving out `exclude`. Blank text gives the
    first by title."""
    text = text.strip()[:MAX_QUERY_LENGTH]
    found = initiatives.select_related("idea").order_by("idea__title", "pk")
    if text:
        matches = Q(idea__title__icontains=text)
        number = parse_id(text.removeprefix("#").removeprefix("nr.").strip())
        if number is not None:
            matches |= Q(idea_id=number)
            # «12» finds idea 12 first, then the titles with 12 in them.
            found = found.order_by(
                Case(When(idea_id=number, then=Value(0)), default=Value(1)), "idea__title", "pk"
            )
        found = found.filter(matches)
    if exclude:
        found = found.exclude(pk__in=list(exclude))
    return list(found[:limit])


def chosen_initiatives(initiatives: InitiativeQuerySet, ids: Collection[int]) -> list[Initiative]:
    """Those of `ids` that are among `initiatives`, by title (one query, none for no ids)."""
    if not ids:
        return []
    return list(
        initiatives.filter(pk__in=list(ids)).select_related("idea").order_by("idea__title", "pk")
    )
