"""Roster import pages for the system administrator: upload, see the plan, confirm; the template."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from accounts.access import role_required
from accounts.exports import XLSX_TYPE
from accounts.models import OrgUnit
from accounts.roles import Role
from enterprises import roster_import
from enterprises.models import Enterprise, RosterImport, Tag
from enterprises.spreadsheets.reader import UnreadableSheet
from enterprises.spreadsheets.safety import UnsafeUpload

ERRORS_KEPT = 1000


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("名册文件（.xlsx、.xls、.csv）"))


def _plan(stream, filename):
    try:
        return roster_import.read_plan(stream, filename), None
    except (UnsafeUpload, UnreadableSheet) as exc:
        return None, str(exc)


@role_required(Role.ADMIN)
def import_upload(request):
    form = UploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        plan, refusal = _plan(upload, upload.name)
        if refusal:
            form.add_error("file", refusal)
        else:
            upload.seek(0)
            record = RosterImport.objects.create(
                uploaded_by=request.user,
                filename=upload.name[:255],
                file=upload,
                status=RosterImport.Status.PLANNED if plan.ok else RosterImport.Status.REJECTED,
                rows=plan.rows,
                created=len(plan.create),
                updated=len(plan.update),
                unchanged=plan.unchanged,
                error_count=len(plan.errors),
                errors=[e.__dict__ for e in plan.errors[:ERRORS_KEPT]],
            )
            return redirect("roster_import_detail", pk=record.pk)
    recent = RosterImport.objects.select_related("uploaded_by")[:10]
    return render(request, "enterprises/import_upload.html", {"form": form, "recent": recent})


@role_required(Role.ADMIN)
def import_detail(request, pk: int):
    record = get_object_or_404(RosterImport, pk=pk)
    page = Paginator(record.errors, 100).get_page(request.GET.get("page"))
    return render(request, "enterprises/import_detail.html", {"record": record, "page": page})


@require_POST
@role_required(Role.ADMIN)
def import_commit(request, pk: int):
    record = get_object_or_404(RosterImport, pk=pk)
    if record.status != RosterImport.Status.PLANNED:
        messages.error(request, _("这份名册不能导入：它有错误，或已经导入过。"))
        return redirect("roster_import_detail", pk=record.pk)
    # Planned again at commit time: the database may have changed since the preview.
    with record.file.open("rb") as stored:
        plan, refusal = _plan(io.BytesIO(stored.read()), record.filename)
    if refusal or not plan.ok:
        messages.error(request, _("名册在确认时校验未通过，未导入任何数据，请重新上传。"))
        return redirect("roster_import_detail", pk=record.pk)
    counts = roster_import.commit(
        plan, actor=request.user, request=request, filename=record.filename
    )
    RosterImport.objects.filter(pk=record.pk).update(
        status=RosterImport.Status.COMMITTED, committed_at=timezone.now(), **counts
    )
    messages.success(
        request,
        _("导入完成：新增 %(created)d 家，更新 %(updated)d 家，未变 %(unchanged)d 家。") % counts,
    )
    return redirect("roster_import_detail", pk=record.pk)


@role_required(Role.ADMIN)
def import_template(request):
    """A workbook with the Chinese headers (required ones starred) and a sheet of allowed values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("企业名册")
    required = set(roster_import.REQUIRED)
    sheet.append(
        [
            names[0] + ("*" if field in required else "")
            for field, names in roster_import.ALIASES.items()
        ]
    )
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    values = workbook.create_sheet(_("可选值"))
    towns = list(
        OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET]).values_list(
            "name", flat=True
        )
    )
    columns = {
        _("镇街"): towns,
        _("规模"): [str(label) for _v, label in Enterprise.Scale.choices],
        _("生产状态"): [str(label) for _v, label in Enterprise.ProductionStatus.choices],
        _("标签"): list(Tag.objects.values_list("name", flat=True)),
    }
    values.append(list(columns))
    for index in range(max(len(v) for v in columns.values())):
        values.append([v[index] if index < len(v) else None for v in columns.values()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type=XLSX_TYPE,
    )
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


@role_required(Role.ADMIN)
def import_error_workbook(request, pk: int):
    record = get_object_or_404(RosterImport, pk=pk)
    with record.file.open("rb") as stored:
        body = roster_import.error_workbook(io.BytesIO(stored.read()), record.filename)
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="roster-{record.pk}-errors.xlsx"'
    return response
