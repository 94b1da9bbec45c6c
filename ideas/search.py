"""Norwegian full-text search over ideas, one function for PostgreSQL and SQLite.

PostgreSQL: the `norwegian` text search configuration (stemming: «tjenester» finds
«tjeneste») over title and question (weight A) and need (weight B), stored in
Idea.search_document by a trigger (migration 0006), ranked; plus pg_trgm substring matching
on title and question so that parts of compounds match («tjeneste» finds
«innbyggertjenester»). All backed by GIN indexes. SQLite: every word as a substring.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, Value

from ideas.models import IdeaQuerySet

CONFIG = "norwegian"
MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+", re.UNICODE)
# Words nearly every «Hvordan kan vi …?» contains; they make every idea look similar.
COMMON_WORDS = frozenset(
    {"hvordan", "bruke", "gjøre", "bedre", "flere", "mindre", "enklere", "slik", "ansatte"}
)


def words(text: str) -> list[str]:
    return WORD.findall(text[:MAX_QUERY_LENGTH].lower())


def search_ideas(ideas: IdeaQuerySet, text: str) -> IdeaQuerySet:
    """Ideas matching the words in `text`, best first. Blank text returns `ideas` unchanged."""
    terms = words(text)
    if not terms:
        return ideas
    phrase = " ".join(terms)
    if connection.vendor == "postgresql":
        query = SearchQuery(phrase, config=CONFIG, search_type="websearch")
        return (
            ideas.filter(
                Q(search_document=query)
                | Q(title__icontains=phrase)
                | Q(question__icontains=phrase)
            )
            .annotate(rank=SearchRank(F("search_document"), query))
            .order_by("-rank", "-submitted_at", "-id")
        )
    matches = Q()
    for term in terms:
        matches &= Q(title__icontains=term) | Q(question__icontains=term) | Q(need__icontains=term)
    return ideas.filter(matches).annotate(rank=Value(0.0)).order_by("-submitted_at", "-id")


def similar_ideas(ideas: IdeaQuerySet, text: str, *, limit: int = 5) -> IdeaQuerySet:
    """Up to `limit` ideas sharing words with `text` (any word), most similar first.

    Used while an idea is being typed, so that duplicates are found before they are sent.
    """
    terms = [t for t in words(text) if len(t) > 3 and t not in COMMON_WORDS][:12]
    if not terms:
        return ideas.none()
    if connection.vendor == "postgresql":
        query = SearchQuery(" OR ".join(terms), config=CONFIG, search_type="websearch")
        return (
            ideas.filter(search_document=query)
            .annotate(rank=SearchRank(F("search_document"), query))
            .order_by("-rank", "-submitted_at")[:limit]
        )
    matches = Q()
    for term in terms:
        matches |= Q(title__icontains=term) | Q(question__icontains=term)
    return ideas.filter(matches).order_by(F("submitted_at").desc(nulls_last=True))[:limit]
