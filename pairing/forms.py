"""Forms of the organiser's pairing pages. They parse and check input; pairing.services decides."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Cadre, OrgUnit
from accounts.templatetags.punctuation import mark
from enterprises.models import Enterprise
from enterprises.uscc import normalise as normalise_uscc
from pairing.campaign_forms import PickerInput, PickerTextarea
from pairing.models import Campaign, Pairing

MAX_FIRMS_PER_FORM = 200


def cadre_by_staff_no(value: str) -> Cadre:
    value = value.strip()
    cadre = Cadre.objects.select_related("user").filter(staff_no=value).first()
    if cadre is None:
        raise forms.ValidationError(_("没有工号为 %(no)s 的干部。") % {"no": value})
    return cadre


class BatchGroupStartMixin:
    """The campaign's group and batch, and a start date that defaults to the batch's."""

    def add_batch_group_start(self, campaign: Campaign) -> None:
        self.fields["group"] = forms.ModelChoiceField(
            label=_("专项组/服务组"), queryset=campaign.groups.order_by("pk"), required=False
        )
        self.fields["batch"] = forms.ModelChoiceField(
            label=_("批次"), queryset=campaign.batches.order_by("start", "pk"), required=False
        )
        self.fields["start"] = forms.DateField(
            label=_("开始日期"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=_("不填时：选了批次的从批次日期开始，否则从今天开始"),
        )


class PairForm(BatchGroupStartMixin, forms.Form):
    cadre = forms.CharField(
        label=_("干部工号"),
        max_length=32,
        widget=PickerInput(kind="cadres"),
        help_text=_("在下方输入姓名、单位、工号或拼音首字母查找本级和上级干部"),
    )
    usccs = forms.CharField(
        label=_("企业统一社会信用代码"),
        widget=PickerTextarea(kind="firms", multiple=True, attrs={"rows": 5}),
        help_text=_("每行一个，可一次结对多家企业；可在下方按名称或信用代码查找"),
    )
    role = forms.ChoiceField(label=_("角色"), choices=Pairing.Role.choices)

    def __init__(self, *args, campaign, area: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.add_batch_group_start(campaign)

    def clean_cadre(self):
        return cadre_by_staff_no(self.cleaned_data["cadre"])

    def clean_usccs(self):
        codes = [normalise_uscc(line) for line in self.cleaned_data["usccs"].splitlines()]
        codes = list(dict.fromkeys(c for c in codes if c))
        if not codes:
            raise forms.ValidationError(_("请至少填写一家企业。"))
        if len(codes) > MAX_FIRMS_PER_FORM:
            raise forms.ValidationError(
                _("一次最多结对 %(n)s 家企业。") % {"n": MAX_FIRMS_PER_FORM}
            )
        # Only the area's enterprises: a code of another area's firm reads as unknown, and the
        # page never tells its name.
        in_area = Enterprise.objects.filter(town__path__startswith=self.area.path)
        found = {e.uscc: e for e in in_area.select_related("town").filter(uscc__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("未找到以下企业，或不在您的管辖范围内：%(codes)s") % {"codes": "、".join(unknown)}
            )
        return [found[c] for c in codes]


class SuggestForm(BatchGroupStartMixin, forms.Form):
    """What accepted suggestions are made with; given a group, only its people are proposed."""

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_batch_group_start(campaign)


class EndPairingForm(forms.Form):
    reason = forms.CharField(label=_("结束原因"), max_length=200)
    end = forms.DateField(
        label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].initial = timezone.localdate()


class TransferForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("新单位"), queryset=OrgUnit.objects.none())
    post = forms.CharField(label=_("新职务"), max_length=100, required=False)
    rank = forms.ChoiceField(label=_("职级"), choices=Cadre.Rank.choices)
    date = forms.DateField(
        label=_("任职日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, area: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.under(area).order_by("path")
        self.fields["date"].initial = timezone.localdate()


class HandOverForm(forms.Form):
    """One successor (a staff number) or an explicit release for each active pairing."""

    status = forms.ChoiceField(
        label=_("离岗原因"),
        choices=[(Cadre.Status.RETIRED, _("退休")), (Cadre.Status.LEFT, _("调离"))],
    )
    date = forms.DateField(
        label=_("交接日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, pairings: list[Pairing], **kwargs):
        super().__init__(*args, **kwargs)
        self.pairings = pairings
        self.fields["date"].initial = timezone.localdate()
        for p in pairings:
            self.fields[f"successor_{p.pk}"] = forms.CharField(
                label=_("接手干部工号"),
                max_length=32,
                required=False,
                widget=PickerInput(kind="cadres"),
            )
            self.fields[f"release_{p.pk}"] = forms.BooleanField(
                label=_("不再安排干部"), required=False
            )
            # One row per firm, its label the column header: the name says which firm's it is.
            for name in (f"successor_{p.pk}", f"release_{p.pk}"):
                field = self.fields[name]
                field.widget.attrs["aria-label"] = (
                    f"{field.label}{mark('open')}{p.enterprise.name}{mark('close')}"
                )

    def rows(self):
        return [(p, self[f"successor_{p.pk}"], self[f"release_{p.pk}"]) for p in self.pairings]

    def clean(self):
        data = super().clean()
        self.successors = {}
        for p in self.pairings:
            staff_no = (data.get(f"successor_{p.pk}") or "").strip()
            release = data.get(f"release_{p.pk}")
            if staff_no and release:
                self.add_error(f"successor_{p.pk}", _("填写接手干部或勾选不再安排，二选一。"))
            elif staff_no:
                try:
                    self.successors[p.pk] = cadre_by_staff_no(staff_no)
                except forms.ValidationError as error:
                    self.add_error(f"successor_{p.pk}", error)
            elif release:
                self.successors[p.pk] = None
            else:
                self.add_error(f"successor_{p.pk}", _("请为这家企业安排接手干部，或勾选不再安排。"))
        return data


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "scope_unit", "start", "end", "visit_every_days", "description"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, area: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_unit"].queryset = OrgUnit.objects.under(area).filter(
            kind__in=OrgUnit.AREA_KINDS
        )
        self.fields["visit_every_days"].validators.append(MinValueValidator(1))
