"""The pager's parts (templates/_pager.html): numbered links with gaps, the hidden fields that
keep a list's filters when jumping to a page, and the totals."""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag
def pager_parts(page, query: str) -> dict:
    """`page` a Paginator page, `query` the rest of the query string without `page`."""
    paginator = page.paginator
    return {
        # 1 2 … 9 10 [11] 12 13 … 299 300: the ends and two either side of the current page.
        "numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "ellipsis": str(paginator.ELLIPSIS),
        "kept": [(k, v) for k, values in QueryDict(query).lists() for v in values],
        "prefix": f"?{query}&page=" if query else "?page=",
    }
