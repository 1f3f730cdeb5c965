"""The visit form: the visit, its survey (pairing.survey), what the cadre did (五员), and any
number of problems, each becoming a ticket."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.widgets import NumberWithUnit
from enterprises.models import Enterprise
from issues.intake import Problem
from issues.models import Category, Urgency
from pairing import survey
from pairing.models import ServiceRole, Visit

OLDEST_DAYS = 366  # a visit is written up within a year of it


class VisitForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("本次履职"),
        choices=ServiceRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    output_status = forms.ChoiceField(
        label=_("生产状态"),
        choices=[("", _("（未了解）"))] + list(Enterprise.ProductionStatus.choices),
        required=False,
    )
    # The form's one-time token (Visit.submission_token): a fresh one each time the form is drawn.
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Visit
        fields = ["date", "mode", "output_status", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("submission_token", uuid.uuid4())
        for question in survey.QUESTIONS:
            if question.choices:
                field = forms.ChoiceField(
                    label=question.label,
                    choices=[("", "—")] + list(question.choices),
                    required=False,
                )
            else:
                field = forms.IntegerField(
                    label=question.label,
                    widget=NumberWithUnit(question.unit),
                    min_value=0,
                    max_value=1_000_000,
                    required=False,
                )
            self.fields[f"survey_{question.code}"] = field
        self.fields["date"].initial = timezone.localdate()

    def survey_fields(self):
        return [self[f"survey_{q.code}"] for q in survey.QUESTIONS]

    def clean_date(self):
        date = self.cleaned_data["date"]
        today = timezone.localdate()
        if date > today:
            raise forms.ValidationError(_("走访日期不能晚于今天。"))
        if date < today - datetime.timedelta(days=OLDEST_DAYS):
            raise forms.ValidationError(_("只能填报一年内的走访。"))
        return date

    def save(self, commit=False):
        visit = super().save(commit=False)
        visit.survey = {
            q.code: self.cleaned_data[f"survey_{q.code}"]
            for q in survey.QUESTIONS
            if self.cleaned_data.get(f"survey_{q.code}") not in (None, "")
        }
        visit.services = list(self.cleaned_data["services"])
        visit.submission_token = self.cleaned_data.get("submission_token")
        return visit


class ProblemForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial="normal")
    title = forms.CharField(label=_("难题"), max_length=200)
    description = forms.CharField(
        label=_("具体情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    solved_on_spot = forms.BooleanField(label=_("已现场解决"), required=False)
    solution = forms.CharField(
        label=_("解决情况"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("现场怎样解决的，企业是否认可"),
    )
    solved_by = forms.CharField(
        label=_("现场解决人"),
        max_length=100,
        required=False,
        help_text=_("单位和姓名，如：县经信局 李局长"),
    )

    def clean(self):
        data = super().clean()
        if data.get("solved_on_spot"):
            for name in ("solution", "solved_by"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("现场解决的难题请填写此项。"))
        return data

    def problem(self) -> Problem:
        return Problem(**{k: self.cleaned_data[k] for k in Problem.__dataclass_fields__})


MAX_PROBLEMS = 20


class BaseProblemFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": _("一次走访最多登记 %(num)d 个难题，请删去多余的，或另行填报。"),
    }


# A form past the limit is still read back (up to absolute_max, a bound on forged counts), so the
# page that refuses it shows every problem typed instead of dropping those past the twentieth.
ProblemFormSet = forms.formset_factory(
    ProblemForm,
    formset=BaseProblemFormSet,
    extra=0,
    max_num=MAX_PROBLEMS,
    validate_max=True,
    absolute_max=200,
)
