"""Paging helpers shared by the list pages (templates/_pager.html)."""


def query_without_page(request) -> str:
    """The request's query string without `page`, for the pager's links to keep the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
