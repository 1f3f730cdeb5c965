"""Django's i18n template library with `{% translate "literal" %}` remembered per language.

Registered as the `i18n` library (settings.TEMPLATES), so every `{% load i18n %}` gets it. A
translate tag of a constant string renders the same text in a given language every time; Django
resolves, translates, localizes and escapes it on each render, which made up about a tenth of a
main page's rendering (a column's label in every cell of 50 rows). Everything else (blocks with
variables, `as` variables, message contexts, filters) is Django's own."""

from django.template import Library, Node
from django.templatetags import i18n as django_i18n
from django.utils import translation

register = Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


class RememberedTranslateNode(Node):
    child_nodelists = ()

    def __init__(self, node):
        self.node = node
        expression = node.filter_expression
        self.constant = (
            not node.asvar
            and node.message_context is None
            and not expression.filters
            and getattr(expression.var, "literal", None) is not None
        )
        self.rendered = {}

    def render(self, context):
        if not self.constant:
            return self.node.render(context)
        key = (translation.get_language(), context.autoescape)
        text = self.rendered.get(key)
        if text is None:
            text = self.rendered[key] = self.node.render(context)
        return text


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    return RememberedTranslateNode(django_i18n.do_translate(parser, token))
