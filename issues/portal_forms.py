"""The firm portal's forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from issues import attachments
from issues.models import Category, Rating
from issues.portal_services import MAX_FILES


class CreditCodeForm(forms.Form):
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("短信验证码"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("验证码为6位数字。")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}
        ),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): each checked as a unit's
    attachment is (issues.attachments), at most MAX_FILES."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(_("最多上传%(n)s个附件。") % {"n": MAX_FILES})
        cleaned = [super(MultipleFileField, self).clean(u, initial) for u in uploads]
        for upload in cleaned:
            attachments.check(upload)
        return cleaned


class RaiseForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类别"), choices=Category.choices)
    title = forms.CharField(label=_("问题概述"), max_length=100, help_text=_("一句话说明问题"))
    description = forms.CharField(
        label=_("详细描述"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    files = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("最多3个，PDF、图片或 Office 文档，每个10MB以内"),
    )


class AnswerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("答复内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FirmRateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(
        label=_("您对办理结果的评价"), choices=Rating.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("评价理由"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选择“不满意”时必填，问题将退回承办单位重新办理"),
    )

    def clean(self):
        data = super().clean()
        if data.get("rating") == Rating.UNSATISFIED and not data.get("note", "").strip():
            self.add_error("note", _("不满意时请写明理由。"))
        return data
