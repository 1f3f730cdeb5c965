"""Onboarding a county: the dry run of its four sheets together (org units, cadres, enterprises,
pairings), for the system admin or an organiser within their area, and the example sheets. The
dry run writes nothing; each sheet is then imported on its own page, or all four at once with
`manage.py import_county`."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from accounts.exports import XLSX_TYPE
from accounts.roles import Role
from enterprises.spreadsheets.safety import UnsafeUpload, check_upload
from pairing import onboarding, onboarding_examples, selectors
from pairing.models import Campaign
from pairing.people_import_views import admin_or_organiser

FILE_HELP = gettext_lazy(".xlsx、.xls、.csv 或 Unicode 文本 .txt，可不选")


class OnboardingForm(forms.Form):
    units = forms.FileField(label=gettext_lazy("组织单位"), required=False, help_text=FILE_HELP)
    cadres = forms.FileField(label=gettext_lazy("干部名册"), required=False, help_text=FILE_HELP)
    enterprises = forms.FileField(
        label=gettext_lazy("企业名册"), required=False, help_text=FILE_HELP
    )
    pairings = forms.FileField(label=gettext_lazy("结对"), required=False, help_text=FILE_HELP)
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("行动"),
        queryset=Campaign.objects.none(),
        required=False,
        help_text=gettext_lazy("用于结对表中“行动”一列为空的行"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        area = user.jurisdiction_unit
        self.fields["campaign"].queryset = (
            selectors.campaigns_for_area(area) if area else Campaign.objects.all()
        )

    def clean(self):
        data = super().clean()
        sheets = {kind: data[kind] for kind in onboarding.ORDER if data.get(kind)}
        if not sheets:
            raise forms.ValidationError(gettext_lazy("请至少选择一张表。"))
        for kind, upload in sheets.items():
            try:  # a hostile file is refused before any parser sees it
                check_upload(upload, upload.name)
            except UnsafeUpload as refusal:
                self.add_error(kind, str(refusal))
        data["sheets"] = {kind: (u.read(), u.name) for kind, u in sheets.items()}
        return data


@admin_or_organiser
def onboarding_dry_run(request):
    form = OnboardingForm(
        *((request.POST, request.FILES) if request.method == "POST" else ()), user=request.user
    )
    outcomes = None
    if request.method == "POST" and form.is_valid():
        outcomes = onboarding.run(
            form.cleaned_data["sheets"],
            actor=request.user,
            campaign=form.cleaned_data.get("campaign"),
            commit=False,
        )
    context = {
        "form": form,
        "outcomes": outcomes,
        "examples": [(kind, onboarding.LABELS[kind]) for kind in onboarding_examples.EXAMPLES],
        "can_pair": Role.ORGANISER in request.user.roles,
    }
    return render(request, "pairing/onboarding.html", context)


@admin_or_organiser
def onboarding_example(request, kind: str):
    if kind not in onboarding_examples.EXAMPLES:
        raise Http404
    response = HttpResponse(onboarding_examples.EXAMPLES[kind](), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="taishun-{kind}.xlsx"'
    return response
