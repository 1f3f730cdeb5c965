"""One small form per workflow action: it parses what the page sent; issues.workflow decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.widgets import NumberWithUnit, SearchableSelectMultiple
from issues import attachments, workflow
from issues.models import Category, Outcome, Rating, Urgency


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def data_for_workflow(self) -> dict:
        """The fields the workflow reads (the attachment is saved beside the event by the view)."""
        skip = {"version", "attachment"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip and v not in (None, "")}


class WithAttachment(forms.Form):
    attachment = forms.FileField(
        label=_("附件"), required=False, help_text=_("PDF、图片或 Office 文档，10MB 以内")
    )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            attachments.check(upload)
        return upload


NOTE = _("说明")


def _note(label=NOTE, required=True):
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=required
    )


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class AssignForm(ActionForm):
    owner_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=OrgUnit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=SearchableSelectMultiple,
    )
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    due_days = forms.IntegerField(
        label=_("办理时限"),
        widget=NumberWithUnit(_("个工作日")),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("不填则按紧急程度：一般10个、紧急5个、特急2个工作日"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = workflow.handling_units(self.user)
        self.fields["owner_unit"].queryset = units
        self.fields["co_units"].queryset = units


class ResponsibleField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name or obj.username


class AcceptForm(ActionForm):
    """签收, naming the unit's person responsible (责任人): the one who accepts, unless chosen."""

    assignee = ResponsibleField(
        label=_("责任人"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("不选则为签收人本人"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = workflow.unit_handlers(self.user.home_unit_id)


class ResponsibleForm(AcceptForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].required = True
        self.fields["assignee"].help_text = ""


class NoteForm(ActionForm):
    note = _note()


class AskFirmForm(ActionForm):
    note = _note(_("向企业提出的问题"))


class UrgeForm(ActionForm):
    note = _note(_("催办意见"))


class ExtensionForm(ActionForm):
    until = _date(_("申请延期至"))
    note = _note(_("延期理由"))


class ApproveForm(ActionForm):
    pass


class ProgressForm(ActionForm, WithAttachment):
    note = _note()


class ResolveForm(ActionForm, WithAttachment):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=Outcome.choices)
    reply = _note(_("答复企业"))


class RateForm(ActionForm):
    rating = forms.ChoiceField(label=_("企业评价"), choices=Rating.choices)
    note = _note(_("企业意见"), required=False)


FORMS = {
    "assign": AssignForm,
    "return": NoteForm,
    "dispute": NoteForm,
    "accept": AcceptForm,
    "name_responsible": ResponsibleForm,
    "progress": ProgressForm,
    "request_extension": ExtensionForm,
    "approve_extension": ApproveForm,
    "refuse_extension": NoteForm,
    "ask_escalation": NoteForm,
    "escalate": NoteForm,
    "co_answer": ProgressForm,
    "resolve": ResolveForm,
    "rate": RateForm,
    "urge": UrgeForm,
    "ask_firm": AskFirmForm,
    "firm_answer": NoteForm,
}
