"""Import pages for cadres (the system admin) and for pairings (an organiser, within their
jurisdiction): upload, see the plan with its errors by row and column, confirm all or nothing;
the template workbook and the sheet with its bad cells marked. The same pages serve both kinds,
told apart by an ImportKind."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import wraps
from types import ModuleType

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.exports import XLSX_TYPE
from accounts.masking import UNMASKED_MOBILE, mask_phone
from accounts.models import Cadre, OrgUnit
from accounts.roles import Role
from enterprises.models import RosterImport
from enterprises.spreadsheets import workbooks
from enterprises.spreadsheets.reader import UnreadableSheet
from enterprises.spreadsheets.safety import UnsafeUpload
from pairing import cadre_import, pairing_import, selectors
from pairing.models import Campaign, CampaignBatch, Pairing, PeopleImport

ERRORS_KEPT = 1000
Status = RosterImport.Status


@dataclass(frozen=True)
class ImportKind:
    kind: str  # PeopleImport.Kind
    module: ModuleType  # ALIASES, REQUIRED, SHEET_TITLE, read_plan, commit
    url: str  # the URL names' prefix
    title: str
    intro: str


CADRES = ImportKind(
    PeopleImport.Kind.CADRES,
    cadre_import,
    "cadre_import",
    gettext_lazy("导入干部名册"),
    gettext_lazy(
        "按工号更新已有干部（没有工号的行按手机号匹配），同一文件导入两次不会重复。新干部的账号"
        "没有可用密码，须由系统管理员在后台设置初始密码，干部首次登录时须修改。单位、职务或职级"
        "变化按调动处理：保留任职记录，结对不变（事随人走）。"
    ),
)
PAIRINGS = ImportKind(
    PeopleImport.Kind.PAIRINGS,
    pairing_import,
    "pairing_import",
    gettext_lazy("导入结对"),
    gettext_lazy(
        "只能为管辖范围内的企业结对，并按结对规则逐行校验（行动范围、干部在岗、同一行动内不重复"
        "结对、联系企业数上限）。已经在册的相同结对记为未变，同一文件导入两次不会重复。"
    ),
)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件（.xlsx、.xls、.csv）"))


class PairingUploadForm(UploadForm):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("行动"),
        queryset=Campaign.objects.none(),
        required=False,
        help_text=gettext_lazy("用于“行动”一列为空的行"),
    )

    batch = forms.ModelChoiceField(
        label=gettext_lazy("批次"),
        queryset=CampaignBatch.objects.none(),
        required=False,
        help_text=gettext_lazy("所选行动的批次，用于“批次”一列为空的行；结对默认从批次日期开始"),
    )

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = selectors.campaigns_for_area(area)
        self.fields["campaign"].queryset = campaigns
        self.fields["batch"].queryset = CampaignBatch.objects.filter(
            campaign__in=campaigns.values("pk")
        ).select_related("campaign")

    def clean(self):
        data = super().clean()
        batch, campaign = data.get("batch"), data.get("campaign")
        if batch is not None and (campaign is None or batch.campaign_id != campaign.pk):
            self.add_error("batch", _("请选择所选行动的批次。"))
        return data


def _plan(spec: ImportKind, user, stream, filename: str, campaign, batch=None):
    try:
        if spec is PAIRINGS:
            plan = pairing_import.read_plan(
                stream, filename, actor=user, campaign=campaign, batch=batch
            )
        else:
            plan = cadre_import.read_plan(stream, filename)
    except (UnsafeUpload, UnreadableSheet) as exc:
        return None, str(exc)
    return plan, None


def _kept(errors) -> list[dict]:
    """The first errors as the page shows them, mobile numbers in their values masked: the record
    is read on pages, so it keeps no full number."""
    return [
        {**e.__dict__, "value": UNMASKED_MOBILE.sub(lambda m: mask_phone(m.group()), e.value)}
        for e in errors[:ERRORS_KEPT]
    ]


def _records(spec: ImportKind, user):
    """Cadre imports are the system admins'; an organiser sees the pairing imports they made."""
    records = PeopleImport.objects.filter(kind=spec.kind).select_related("uploaded_by")
    return records.filter(uploaded_by=user) if spec is PAIRINGS else records


def _upload(request, spec: ImportKind):
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    if spec is PAIRINGS:
        form = PairingUploadForm(*data, area=request.user.jurisdiction_unit)
    else:
        form = UploadForm(*data)
    if request.method == "POST" and form.is_valid():
        upload, campaign = form.cleaned_data["file"], form.cleaned_data.get("campaign")
        batch = form.cleaned_data.get("batch")
        plan, refusal = _plan(spec, request.user, upload, upload.name, campaign, batch)
        if refusal:
            form.add_error("file", refusal)
        else:
            upload.seek(0)
            record = PeopleImport.objects.create(
                kind=spec.kind,
                uploaded_by=request.user,
                filename=upload.name[:255],
                file=upload,
                campaign=campaign,
                batch=batch,
                status=Status.PLANNED if plan.ok else Status.REJECTED,
                rows=plan.rows,
                error_count=len(plan.errors),
                errors=_kept(plan.errors),
                **plan.counts,
            )
            return redirect(f"{spec.url}_detail", pk=record.pk)
    recent = _records(spec, request.user)[:10]
    context = {"form": form, "recent": recent, "spec": spec}
    return render(request, "pairing/people_import_upload.html", context)


def _detail(request, spec: ImportKind, pk: int):
    record = get_object_or_404(_records(spec, request.user), pk=pk)
    page = Paginator(record.errors, 100).get_page(request.GET.get("page"))
    context = {"record": record, "page": page, "spec": spec}
    return render(request, "pairing/people_import_detail.html", context)


def _commit(request, spec: ImportKind, pk: int):
    record = get_object_or_404(_records(spec, request.user), pk=pk)
    if record.status != Status.PLANNED:
        messages.error(request, _("这份文件不能导入：它有错误，或已经导入过。"))
        return redirect(f"{spec.url}_detail", pk=record.pk)
    # Planned again at commit time: the database may have changed since the preview.
    with record.file.open("rb") as stored:
        stream = io.BytesIO(stored.read())
    plan, refusal = _plan(
        spec, request.user, stream, record.filename, record.campaign, record.batch
    )
    if refusal or not plan.ok:
        messages.error(request, _("文件在确认时校验未通过，未导入任何数据，请重新上传。"))
        return redirect(f"{spec.url}_detail", pk=record.pk)
    try:
        counts = spec.module.commit(
            plan, actor=request.user, request=request, filename=record.filename
        )
    except ValidationError as error:
        messages.error(request, _("未导入任何数据：%(why)s") % {"why": "；".join(error.messages)})
        return redirect(f"{spec.url}_detail", pk=record.pk)
    PeopleImport.objects.filter(pk=record.pk).update(
        status=Status.COMMITTED, committed_at=timezone.now(), **counts
    )
    messages.success(
        request,
        _("导入完成：新增 %(created)d 条，更新 %(updated)d 条，未变 %(unchanged)d 条。") % counts,
    )
    return redirect(f"{spec.url}_detail", pk=record.pk)


def _allowed_values(spec: ImportKind, user) -> dict[str, list[str]]:
    if spec is CADRES:
        return {
            _("单位编码"): list(OrgUnit.objects.values_list("code", flat=True)),
            _("单位名称"): list(OrgUnit.objects.values_list("name", flat=True)),
            _("职级"): [str(label) for _v, label in Cadre.Rank.choices],
            _("状态"): [str(label) for _v, label in Cadre.Status.choices],
        }
    campaigns = selectors.campaigns_for_area(user.jurisdiction_unit)
    return {
        _("行动"): [c.name for c in campaigns],
        _("角色"): [str(label) for _v, label in Pairing.Role.choices],
        _("专项组/服务组（行动：名称）"): [
            f"{c.name}：{g.name}"
            for c in campaigns.prefetch_related("groups")
            for g in c.groups.all()
        ],
    }


def _template(request, spec: ImportKind):
    body = workbooks.template(
        str(spec.module.SHEET_TITLE),
        spec.module.ALIASES,
        spec.module.REQUIRED,
        _("可选值"),
        _allowed_values(spec, request.user),
    )
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{spec.kind}-template.xlsx"'
    return response


def _error_workbook(request, spec: ImportKind, pk: int):
    record = get_object_or_404(_records(spec, request.user), pk=pk)
    with record.file.open("rb") as stored:
        stream = io.BytesIO(stored.read())
    plan, refusal = _plan(
        spec, request.user, stream, record.filename, record.campaign, record.batch
    )
    if refusal:
        raise Http404(refusal)
    title = _("%(sheet)s（标出错误）") % {"sheet": spec.module.SHEET_TITLE}
    body = workbooks.marked_copy(stream, record.filename, plan.header, plan.errors, title)
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{spec.kind}-{record.pk}-errors.xlsx"'
    return response


def organiser_with_area(view):
    """Organisers only; one without a jurisdiction sees why there is nothing to import."""

    @role_required(Role.ORGANISER)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.jurisdiction_unit is None:
            return render(request, "reports/no_area.html", {"role_label": Role.ORGANISER.label})
        return view(request, *args, **kwargs)

    return wrapped


# The routes: each kind's role in front of the shared pages; confirming is POST only.
@role_required(Role.ADMIN)
def cadre_upload(request):
    return _upload(request, CADRES)


@role_required(Role.ADMIN)
def cadre_detail(request, pk: int):
    return _detail(request, CADRES, pk)


@require_POST
@role_required(Role.ADMIN)
def cadre_commit(request, pk: int):
    return _commit(request, CADRES, pk)


@role_required(Role.ADMIN)
def cadre_template(request):
    return _template(request, CADRES)


@role_required(Role.ADMIN)
def cadre_errors(request, pk: int):
    return _error_workbook(request, CADRES, pk)


@organiser_with_area
def pairing_upload(request):
    return _upload(request, PAIRINGS)


@organiser_with_area
def pairing_detail(request, pk: int):
    return _detail(request, PAIRINGS, pk)


@require_POST
@organiser_with_area
def pairing_commit(request, pk: int):
    return _commit(request, PAIRINGS, pk)


@organiser_with_area
def pairing_template(request):
    return _template(request, PAIRINGS)


@organiser_with_area
def pairing_errors(request, pk: int):
    return _error_workbook(request, PAIRINGS, pk)
