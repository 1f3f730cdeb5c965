"""Form widgets the pages share: a number with its unit after it, a searchable multi-select, and
a select that renders its options quickly."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.pinyin import initials


class NumberWithUnit(forms.NumberInput):
    """A number box followed by its unit (人, 个工作日), which the box names as its description so
    a screen reader says it too. `inputmode` brings up the digits keyboard on a phone."""

    def __init__(self, unit, attrs=None):
        super().__init__({"inputmode": "numeric", **(attrs or {})})
        self.unit = unit

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        unit_id = f"{attrs.get('id') or 'id_' + name}_unit"
        described = attrs.get("aria-describedby")
        attrs["aria-describedby"] = f"{described} {unit_id}" if described else unit_id
        box = super().render(name, value, attrs, renderer)
        return format_html(
            '<span class="with-unit">{}<span class="unit" id="{}">{}</span></span>',
            box,
            unit_id,
            self.unit,
        )


class SearchableSelectMultiple(forms.SelectMultiple):
    """A multi-select that static/js/multiselect.js turns into a Tom Select box (vendored under
    static/vendor/tom-select): type to find a unit by its name or its pinyin initials, tap to add,
    × to remove; no Ctrl-click. Without JavaScript it stays the plain <select multiple>."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-multiselect": "",
                "data-library": static("vendor/tom-select/tom-select.complete.min.js"),
                "data-stylesheet": static("vendor/tom-select/tom-select.min.css"),
                "data-placeholder": _("输入名称或拼音首字母查找"),
                "data-no-results": _("没有匹配的选项"),
                "data-remove": _("移除"),
            }
        )
        return context

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["data-pinyin"] = initials(str(label))
        return option


class QuickSelect(forms.Select):
    """A <select> whose options are joined in Python, with Django's own markup: Django renders
    each option through a template of its own, which took a third of the roster page's rendering
    for a city's towns, industries and tags."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options),
            )
            if group_name:
                rendered = format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
            groups.append(rendered)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(groups)),  # each part escaped by format_html above
        )
