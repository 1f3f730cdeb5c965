"""The roster list's filters: one form that validates the query string and narrows a queryset."""

from __future__ import annotations

import unicodedata

from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.db.models.lookups import IContains
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.models import OrgUnit
from accounts.roles import Role
from accounts.widgets import QuickSelect
from enterprises.models import Enterprise, Industry, Tag

ASCII_TO_WIDE_BRACKETS = str.maketrans("()", "（）")


def name_contains(field: str, text: str) -> Q:
    """`field` (an enterprise name) contains `text`, brackets of either width alike: registered
    names use （）, older rows and what people type often ()."""
    stored = Replace(Replace(F(field), Value("("), Value("（")), Value(")"), Value("）"))
    return Q(IContains(stored, text.translate(ASCII_TO_WIDE_BRACKETS)))


PAIRED_CHOICES = [("", _("全部")), ("yes", _("已结对")), ("no", _("未结对"))]


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或信用代码"), required=False, max_length=100)
    town = forms.ModelChoiceField(
        label=_("镇街"),
        required=False,
        queryset=OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET]),
        widget=QuickSelect,
    )
    industry = forms.ModelChoiceField(
        label=_("行业门类"),
        required=False,
        queryset=Industry.objects.filter(parent__isnull=True),
        widget=QuickSelect,
    )
    tag = forms.ModelChoiceField(
        label=_("标签"), required=False, queryset=Tag.objects.all(), widget=QuickSelect
    )
    scale = forms.ChoiceField(
        label=_("规模"), required=False, choices=[("", _("全部")), *Enterprise.Scale.choices]
    )
    above_scale = forms.ChoiceField(
        label=_("规上/规下"),
        required=False,
        choices=[("", _("全部")), ("yes", _("规上")), ("no", _("规下"))],
    )
    status = forms.ChoiceField(
        label=_("生产状态"),
        required=False,
        choices=[("", _("全部")), *Enterprise.ProductionStatus.choices],
    )
    paired = forms.ChoiceField(label=_("结对情况"), required=False, choices=PAIRED_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only values inside the user's scope are offered (issue 21); one outside it is refused
        # as an invalid choice, like any other forged value.
        self.fields["town"].queryset = towns_in_scope(user)
        self.fields["tag"].queryset = tags_in_scope(user)

    def apply(self, enterprises: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
        data = self.cleaned_data
        if data.get("q"):
            text = data["q"].strip()
            # A code typed on a Chinese keyboard may come full-width (９１３３…): fold it.
            code = unicodedata.normalize("NFKC", text).strip()
            enterprises = enterprises.filter(
                name_contains("name", text) | Q(uscc__istartswith=code)
            )
        if data.get("town"):
            enterprises = enterprises.filter(town=data["town"])
        if data.get("industry"):
            enterprises = enterprises.filter(industry__code__startswith=data["industry"].code)
        if data.get("tag"):
            enterprises = enterprises.filter(tags=data["tag"])
        if data.get("scale"):
            enterprises = enterprises.filter(scale=data["scale"])
        if data.get("above_scale"):
            enterprises = enterprises.filter(above_scale=data["above_scale"] == "yes")
        if data.get("status"):
            enterprises = enterprises.filter(production_status=data["status"])
        if data.get("paired"):
            # Pairing lives in an app above this one: reach it through the relation, not an import.
            pairing = Enterprise._meta.get_field("pairings").related_model
            active = Exists(pairing.objects.filter(enterprise=OuterRef("pk"), end__isnull=True))
            enterprises = enterprises.filter(active if data["paired"] == "yes" else ~active)
        return enterprises


TOWN_KINDS = [OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET]


def towns_in_scope(user) -> QuerySet[OrgUnit]:
    """The towns and streets of the user's roster: those under their jurisdiction, and those of
    the enterprises they may see (a cadre's paired firms, a handler's firms)."""
    towns = OrgUnit.objects.filter(kind__in=TOWN_KINDS).order_by("path")
    if scoping.sees_everything(user) or Role.ADMIN in scoping.roles_of(user):
        return towns
    in_scope = Q(pk__in=Enterprise.objects.visible_to(user).values("town_id"))
    path = scoping.jurisdiction_path(user)
    if path:
        in_scope |= Q(path__startswith=path)
    return towns.filter(in_scope)


def tags_in_scope(user) -> QuerySet[Tag]:
    """The tags the user's roster carries."""
    if scoping.sees_everything(user) or Role.ADMIN in scoping.roles_of(user):
        return Tag.objects.all()
    return Tag.objects.filter(
        pk__in=Enterprise.tags.through.objects.filter(
            enterprise__in=Enterprise.objects.visible_to(user)
        ).values("tag_id")
    )
