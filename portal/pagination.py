"""A paginator that never counts more rows than a person could page through.

An exact COUNT(*) over a million cases costs more than the page itself; above the cap the list
says "10 000+" and the last pages are reached by narrowing the filter instead.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        # SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1): bounded whatever the table size,
        # and without the row annotations (initials, statuses) that only the page shows.
        counted = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    capped = False
