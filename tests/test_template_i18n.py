"""pairing/template_i18n.py: `{% translate "literal" %}` remembered per language must still say
each page in its viewer's language, and leave the other forms of the tag to Django."""

from django.template import Context, engines
from django.utils import translation

from pairing.template_i18n import RememberedTranslateNode


def render(source: str, language: str, **context) -> str:
    template = engines["django"].from_string(source)
    with translation.override(language):
        return template.render(context)


def test_one_template_says_each_language_in_turn():
    template = engines["django"].from_string('{% load i18n %}{% translate "企业档案" %}')
    said = []
    for language in ["zh-hans", "en", "zh-hans", "en"]:
        with translation.override(language):
            said.append(template.render({}))
    assert said[0] == said[2] == "企业档案"
    assert said[1] == said[3] != "企业档案"


def test_the_other_forms_are_djangos():
    source = (
        '{% load i18n %}{% translate "企业档案" as title %}[{{ title }}]'
        '{% translate name %}{% translate "企业档案"|upper %}'
    )
    assert render(source, "zh-hans", name="镇街") == "[企业档案]镇街企业档案"
    english = render(source, "en", name="镇街")
    assert english.startswith("[") and "企业档案" not in english


def test_only_constant_literals_are_remembered():
    template = engines["django"].from_string(
        '{% load i18n %}{% translate "企业档案" %}{% translate name %}{% translate "x" as y %}'
    )
    nodes = [n for n in template.template.nodelist if isinstance(n, RememberedTranslateNode)]
    assert [n.constant for n in nodes] == [True, False, False]
    template.template.render(Context({"name": "镇街"}))
    assert list(nodes[0].rendered) and not nodes[1].rendered
