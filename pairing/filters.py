"""The area and campaign filters shared by the record lists (help-plan measures here, the problem
and responsibility list in issues): one form that validates the query string, offering only the
user's own area and the campaigns that reach it, so a forged id narrows to nothing it may not
see."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.models import OrgUnit
from pairing.models import Campaign
from pairing.selectors import campaigns_for_area

# The units an area filter offers: the levels a leader reads figures by.
AREA_FILTER_KINDS = (
    OrgUnit.Kind.CITY,
    OrgUnit.Kind.COUNTY,
    OrgUnit.Kind.TOWN,
    OrgUnit.Kind.STREET,
    OrgUnit.Kind.ZONE,
)


def user_area(user) -> OrgUnit | None:
    """The area an organiser or leader governs; None for everyone else (a cadre's lists are their
    own firms, whatever the area)."""
    return user.jurisdiction_unit if scoping.jurisdiction_path(user) else None


def campaigns_for_user(user) -> QuerySet[Campaign]:
    area = user_area(user)
    if area is not None:
        return campaigns_for_area(area)
    cadre_id = scoping.cadre_id(user)
    if cadre_id is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(pairings__cadre_id=cadre_id).distinct()


class PlainSelect(forms.Select):
    """A select whose options are written in Python rather than through an option template each:
    a province's filter offers hundreds of units, which the template way takes a few hundred
    milliseconds to draw."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(v), " selected" if str(v) in chosen else "", label) for v, label in self.choices),
        )
        final = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, final, options)


class AreaCampaignFilterForm(forms.Form):
    """?area= (a unit of the user's area) and ?campaign=; subclasses add their own fields."""

    area = forms.ModelChoiceField(
        label=_("地区"), required=False, queryset=OrgUnit.objects.none(), widget=PlainSelect
    )
    campaign = forms.ModelChoiceField(
        label=_("行动"), required=False, queryset=Campaign.objects.none(), widget=PlainSelect
    )

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        area = user_area(user)
        if area is None:
            del self.fields["area"]
        else:
            self.fields["area"].queryset = (
                OrgUnit.objects.under(area)
                .filter(kind__in=AREA_FILTER_KINDS)
                .order_by("path")
                .only("pk", "name")  # a province holds hundreds: their names are all it shows
            )
        self.fields["campaign"].queryset = campaigns_for_user(user).order_by("-start", "pk")

    def narrow(self, rows: QuerySet, *, enterprise: str, campaign_q) -> QuerySet:
        """`rows` narrowed by the area (through the `enterprise` relation's town path; "" when the
        rows are enterprises) and by
        `campaign_q(campaign)`, a Q the list defines for 'belongs to this campaign'."""
        data = self.valid_data()
        if data.get("area"):
            town = f"{enterprise}__town" if enterprise else "town"
            rows = rows.filter(**{f"{town}__path__startswith": data["area"].path})
        if data.get("campaign"):
            rows = rows.filter(campaign_q(data["campaign"]))
        return rows

    def valid_data(self) -> dict:
        """The fields that passed (a bad one shows its error and narrows nothing)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}
