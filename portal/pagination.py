"""Pagination helpers."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # pages of any model
    """Counts at most `cap` rows, for searches where an exact count of thousands of hits
    costs more than the page itself. `is_capped` tells the template to say «over 1 000»."""

    cap = 1000

    @cached_property
    def count(self) -> int:
        # Without ordering, PostgreSQL stops after cap + 1 matches instead of ranking them all.
        queryset = self.object_list
        assert isinstance(queryset, QuerySet)
        return len(queryset.order_by().values("pk")[: self.cap + 1])

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap
