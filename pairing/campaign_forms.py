"""The campaign form's parts: batches (dates inside the campaign's period), service groups that
are people (a lead cadre and members, chosen with the cadre picker), coverage targets (a tag or
a hand-picked firm list, a count or a percentage) and the campaign's workload caps.

Each part checks what it can see; the view gives each formset the campaign's period and scope
as the main form cleaned them, so a batch or a target is judged against what is being saved."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Cadre, OrgUnit
from accounts.widgets import NumberWithUnit
from enterprises.models import Enterprise, Tag
from enterprises.uscc import normalise as normalise_uscc
from pairing import selectors
from pairing.models import (
    CadreCategory,
    Campaign,
    CampaignBatch,
    CoverageTarget,
    ServiceGroup,
)
from pairing.workload import Caps, over_cap

MAX_LISTED = 2000  # firms in one hand-picked target list, or members of one group


class PickerMixin:
    """A text field with a search box under it: typing shows matching cadres (or firms) from
    the picker URL; tapping one writes its staff number (or credit code) into the field, or adds
    it as a new line (`multiple`). static/js/picker.js does the typing and tapping."""

    def __init__(self, *args, kind: str, multiple: bool = False, **kwargs):
        self.kind, self.multiple = kind, multiple
        super().__init__(*args, **kwargs)

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        return render_to_string(
            "pairing/_picker.html",
            {
                "field": field,
                "url": reverse(f"picker_{self.kind}"),
                "kind": self.kind,
                "multiple": self.multiple,
            },
        )


class PickerInput(PickerMixin, forms.TextInput):
    pass


class PickerTextarea(PickerMixin, forms.Textarea):
    pass


def lines(value: str) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in (value or "").replace(",", "\n").splitlines()))


def serving_cadres_by_staff_no(area: OrgUnit, numbers: list[str]) -> tuple[dict, list[str]]:
    """The active cadres of the area or the levels above with these staff numbers, and the
    numbers that name none of them (unknown, retired, or another county's: all read alike)."""
    found = {
        c.staff_no: c
        for c in selectors.serving_cadres(area)
        .filter(status=Cadre.Status.ACTIVE, staff_no__in=numbers)
        .select_related("user")
    }
    return found, [n for n in numbers if n and n not in found]


class BatchForm(forms.ModelForm):
    class Meta:
        model = CampaignBatch
        fields = ["name", "start"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class PeriodFormSet(forms.BaseInlineFormSet):
    """A formset told the campaign's period and scope by the view before it is validated. Its
    rows' select fields share one list of choices (`shared_choices`), read once for the formset
    rather than once per row."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    scope: OrgUnit | None = None
    area: OrgUnit | None = None
    shared: tuple[str, ...] = ()

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.shared:
            if not hasattr(self, "_choices"):
                probe = self.form(**super().get_form_kwargs(None))
                self._choices = {name: list(probe.fields[name].choices) for name in self.shared}
            kwargs["shared_choices"] = self._choices
        return kwargs

    def live_forms(self):
        return [
            f
            for f in self.forms
            if f.has_changed() and not (self.can_delete and self._should_delete_form(f))
        ]


class BatchFormSet(PeriodFormSet):
    def clean(self):
        super().clean()
        for form in self.live_forms():
            day = form.cleaned_data.get("start")
            if day is None or self.start is None:
                continue
            if day < self.start or (self.end is not None and day > self.end):
                form.add_error(
                    "start",
                    _("批次日期须在行动期间内（%(start)s 至 %(end)s）。")
                    % {"start": self.start, "end": self.end or _("不限")},
                )
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.pairings.exists():
                form.add_error(None, _("该批次已有结对，不能删除。"))


class SharedChoices:
    """A row of a PeriodFormSet: its selects take the formset's choices, read once."""

    def share_choices(self, shared_choices: dict | None) -> None:
        for name, choices in (shared_choices or {}).items():
            self.fields[name].choices = choices


class GroupForm(SharedChoices, forms.ModelForm):
    lead = forms.CharField(
        label=_("组长（工号）"),
        max_length=32,
        required=False,
        widget=PickerInput(kind="cadres"),
    )
    member_numbers = forms.CharField(
        label=_("成员（工号，每行一个）"),
        required=False,
        widget=PickerTextarea(kind="cadres", multiple=True, attrs={"rows": 3}),
    )

    class Meta:
        model = ServiceGroup
        fields = ["name", "kind", "lead_unit"]

    def __init__(self, *args, area: OrgUnit, shared_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        # The lead unit: a department of the area or of the levels above it.
        self.fields["lead_unit"].queryset = selectors.serving_units(area).filter(
            kind=OrgUnit.Kind.DEPARTMENT
        )
        self.share_choices(shared_choices)
        if self.instance.pk:
            if self.instance.lead_cadre_id:
                self.initial["lead"] = self.instance.lead_cadre.staff_no
            self.initial["member_numbers"] = "\n".join(
                sorted(m.staff_no for m in self.instance.members.all())
            )

    def clean_lead(self):
        number = self.cleaned_data["lead"].strip()
        if not number:
            return None
        found, missing = serving_cadres_by_staff_no(self.area, [number])
        if missing:
            raise forms.ValidationError(
                _("工号 %(no)s 不是您辖区或上级的在岗干部。") % {"no": number}
            )
        return found[number]

    def clean_member_numbers(self):
        numbers = [n for n in lines(self.cleaned_data["member_numbers"]) if n]
        if len(numbers) > MAX_LISTED:
            raise forms.ValidationError(_("成员最多 %(n)s 人。") % {"n": MAX_LISTED})
        found, missing = serving_cadres_by_staff_no(self.area, numbers)
        if missing:
            raise forms.ValidationError(
                _("以下工号不是您辖区或上级的在岗干部：%(nos)s") % {"nos": "、".join(missing)}
            )
        return [found[n] for n in numbers]

    def save(self, commit=True):
        group = super().save(commit=False)
        group.lead_cadre = self.cleaned_data.get("lead")
        if commit:
            group.save()
            group.members.set(self.cleaned_data.get("member_numbers") or [])
        return group


class GroupFormSet(PeriodFormSet):
    shared = ("lead_unit",)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "queryset",
            ServiceGroup.objects.select_related("lead_cadre")
            .prefetch_related("members")
            .order_by("pk"),
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.pairings.exists():
                form.add_error(None, _("该服务组已有结对，不能删除。"))


class TargetForm(SharedChoices, forms.ModelForm):
    firms = forms.CharField(
        label=_("指定企业（统一社会信用代码，每行一个）"),
        required=False,
        widget=PickerTextarea(kind="firms", multiple=True, attrs={"rows": 3}),
    )

    class Meta:
        model = CoverageTarget
        fields = ["name", "tag", "target_count", "target_percent"]
        widgets = {"target_count": NumberWithUnit(_("家")), "target_percent": NumberWithUnit("%")}

    def __init__(self, *args, shared_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.order_by("pk")
        self.share_choices(shared_choices)
        self.fields["target_percent"].max_value = 100
        self.fields["target_percent"].widget.attrs["max"] = 100
        if self.instance.pk:
            self.initial["firms"] = "\n".join(
                sorted(e.uscc for e in self.instance.enterprises.all())
            )

    def clean_firms(self):
        codes = [normalise_uscc(c) for c in lines(self.cleaned_data["firms"])]
        codes = [c for c in codes if c]
        if len(codes) > MAX_LISTED:
            raise forms.ValidationError(_("一个目标最多指定 %(n)s 家企业。") % {"n": MAX_LISTED})
        return codes

    def clean(self):
        data = super().clean()
        has_tag, has_firms = data.get("tag") is not None, bool(data.get("firms"))
        if has_tag == has_firms:
            self.add_error("tag", _("请选择一个标签，或列出指定企业，二选一。"))
        if (data.get("target_count") is None) == (data.get("target_percent") is None):
            self.add_error("target_count", _("请填写目标户数或目标覆盖率，二选一。"))
        if has_firms and not (data.get("name") or "").strip():
            self.add_error("name", _("请为指定企业的目标起个名称（如“重点项目”）。"))
        return data

    def save(self, commit=True):
        target = super().save(commit=commit)
        if commit:
            target.enterprises.set(getattr(self, "listed", []))
        return target


class TargetFormSet(PeriodFormSet):
    """Checks each target against the firms the campaign reaches in the organiser's area:
    listed firms must be among them, and a count may not exceed how many there are."""

    shared = ("tag",)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "queryset", CoverageTarget.objects.prefetch_related("enterprises").order_by("pk")
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.scope is None or self.area is None:
            return
        path = max(self.area.path, self.scope.path, key=len)
        firms = Enterprise.objects.filter(town__path__startswith=path)
        forms_ = self.live_forms()
        tags = {f.cleaned_data.get("tag") for f in forms_} - {None}
        eligible = dict(
            Enterprise.tags.through.objects.filter(tag__in=tags, enterprise__in=firms.values("pk"))
            .values("tag_id")
            .annotate(n=Count("pk"))
            .values_list("tag_id", "n")
        )
        codes = {c for f in forms_ for c in f.cleaned_data.get("firms") or ()}
        found = dict(firms.filter(uscc__in=codes).values_list("uscc", "pk")) if codes else {}
        seen_tags = set()
        for form in forms_:
            tag, listed = form.cleaned_data.get("tag"), form.cleaned_data.get("firms") or []
            missing = [c for c in listed if c not in found]
            if missing:
                form.add_error(
                    "firms",
                    _("以下企业不在行动范围内或不存在：%(codes)s") % {"codes": "、".join(missing)},
                )
            form.listed = [found[c] for c in listed if c in found]
            if tag is not None:
                if tag.pk in seen_tags:
                    form.add_error("tag", _("同一标签只能设一个目标。"))
                seen_tags.add(tag.pk)
            count = form.cleaned_data.get("target_count")
            available = eligible.get(tag.pk, 0) if tag is not None else len(form.listed)
            if count is not None and count > available:
                form.add_error(
                    "target_count",
                    _("目标户数 %(count)s 超过了符合条件的企业数 %(n)s。")
                    % {"count": count, "n": available},
                )


def _inline(model, form, formset):
    return forms.inlineformset_factory(
        Campaign, model, form=form, formset=formset, extra=0, can_delete=True
    )


BatchFormSetFactory = _inline(CampaignBatch, BatchForm, BatchFormSet)
GroupFormSetFactory = _inline(ServiceGroup, GroupForm, GroupFormSet)
TargetFormSetFactory = _inline(CoverageTarget, TargetForm, TargetFormSet)


class CapsForm(forms.Form):
    """The campaign's cap for each rank (blank: no cap) and the extra firms each category of
    cadre may take. A cap that would leave a cadre over it is refused on the rank's field."""

    def __init__(self, *args, campaign: Campaign | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        for rank, label in Cadre.Rank.choices:
            self.fields[f"cap_{rank}"] = forms.IntegerField(
                label=label,
                widget=NumberWithUnit(_("家")),
                min_value=1,
                max_value=999,
                required=False,
            )
        for category, label in CadreCategory.choices:
            self.fields[f"extra_{category}"] = forms.IntegerField(
                label=_("%(who)s增加") % {"who": label},
                widget=NumberWithUnit(_("家")),
                min_value=0,
                max_value=99,
                required=False,
            )

    def cap_fields(self):
        return [self[f"cap_{rank}"] for rank in Cadre.Rank.values]

    def extra_fields(self):
        return [self[f"extra_{c}"] for c in CadreCategory.values]

    def caps(self) -> Caps:
        data = self.cleaned_data
        return Caps(
            {r: data[f"cap_{r}"] for r in Cadre.Rank.values if data.get(f"cap_{r}") is not None},
            {c: data[f"extra_{c}"] for c in CadreCategory.values if data.get(f"extra_{c}")},
        )

    def clean(self):
        data = super().clean()
        if self.errors or self.campaign is None or self.campaign.pk is None:
            return data
        for cadre, load, limit in over_cap(self.campaign, self.caps()):
            field = f"cap_{cadre.rank}"
            if field in self.errors:
                continue
            self.add_error(
                field,
                _("低于 %(name)s 在本行动中已联系的 %(load)s 家（按此设置其上限为 %(limit)s 家）。")
                % {"name": cadre.user, "load": load, "limit": limit},
            )
        return data


def caps_initial(caps: Caps) -> dict:
    return {f"cap_{r}": c for r, c in caps.by_rank.items()} | {
        f"extra_{k}": e for k, e in caps.extra.items()
    }
