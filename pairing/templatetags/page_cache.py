"""{% cached_content %}…{% endcached_content %}: a page's content block as the view looked it up in
the page cache (pairing/page_cache.render_page): the stored HTML, or the block rendered now and
stored. Without a lookup (a view that does not use the cache) the block just renders."""

from django import template

register = template.Library()


class CachedContentNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        fragment = context.get("page_content")
        if fragment is not None and fragment.html is not None:
            return fragment.html
        html = self.nodelist.render(context)
        if fragment is not None:
            fragment.store(html)
        return html


@register.tag
def cached_content(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("cached_content takes no arguments")
    nodelist = parser.parse(("endcached_content",))
    parser.delete_first_token()
    return CachedContentNode(nodelist)
