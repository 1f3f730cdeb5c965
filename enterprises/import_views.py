"""Roster import pages for the system administrator: upload, see the plan, confirm; the template."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from accounts.access import role_required
from accounts.exports import XLSX_TYPE
from accounts.models import OrgUnit
from accounts.roles import Role
from enterprises import import_confirmation, import_jobs, roster_import
from enterprises.models import Enterprise, RosterImport, Tag
from enterprises.spreadsheets.safety import UnsafeUpload, check_upload
from pairing import queue

ERRORS_KEPT = 1000


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("名册文件（.xlsx、.xls、.csv）"))


def _start(record: RosterImport, job, *args) -> None:
    """Queue the job after the record commits; inline when embedded, so the page finds it done."""
    job_id = queue.enqueue(job, record.pk, *args, queue="imports")
    RosterImport.objects.filter(pk=record.pk).update(job_id=job_id or "")


@role_required(Role.ADMIN)
def import_upload(request):
    form = UploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:  # the size, type and zip checks here: a hostile file is never stored
            check_upload(upload, upload.name)
        except UnsafeUpload as refusal:
            form.add_error("file", str(refusal))
        else:
            upload.seek(0)
            with transaction.atomic():
                record = RosterImport.objects.create(
                    uploaded_by=request.user,
                    filename=upload.name[:255],
                    file=upload,
                    status=RosterImport.Status.CHECKING,
                )
                _start(record, import_jobs.check)
            return redirect("roster_import_detail", pk=record.pk)
    recent = RosterImport.objects.select_related("uploaded_by")[:10]
    return render(request, "enterprises/import_upload.html", {"form": form, "recent": recent})


@role_required(Role.ADMIN)
def import_detail(request, pk: int):
    record = get_object_or_404(RosterImport, pk=pk)
    page = Paginator(record.errors, 100).get_page(request.GET.get("page"))
    context = {"record": record, "page": page, "progress": import_jobs.progress(record)}
    context |= import_confirmation.page_context(record, request.user)
    return render(request, "enterprises/import_detail.html", context)


@role_required(Role.ADMIN)
def import_progress(request, pk: int):
    """The progress bar's fragment, polled by the page; when the job is over, the page reloads."""
    record = get_object_or_404(RosterImport, pk=pk)
    progress = import_jobs.progress(record)
    if progress is None:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request, "enterprises/_import_progress.html", {"record": record, "progress": progress}
    )


@require_POST
@role_required(Role.ADMIN)
def import_commit(request, pk: int):
    with transaction.atomic():
        record = get_object_or_404(RosterImport.objects.select_for_update(), pk=pk)
        if record.status != RosterImport.Status.PLANNED:
            messages.error(request, _("这份名册不能导入：它有错误，或已经导入过。"))
            return redirect("roster_import_detail", pk=record.pk)
        refusal = import_confirmation.confirm_refusal(record, request.user)
        if refusal:
            messages.error(request, refusal)
            return redirect("roster_import_detail", pk=record.pk)
        record.status, record.job_error = RosterImport.Status.COMMITTING, ""
        record.save(update_fields=["status", "job_error"])
        import_confirmation.record_confirm(
            record, user=request.user, request=request, action="roster_import_confirm"
        )
        _start(record, import_jobs.write, request.user.pk)
    return redirect("roster_import_detail", pk=record.pk)


@require_POST
@role_required(Role.ADMIN)
def import_cancel(request, pk: int):
    record, refusal = import_confirmation.cancel(
        RosterImport.objects.all(),
        pk,
        user=request.user,
        request=request,
        action="roster_import_cancel",
    )
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, _("已取消这份导入，未写入任何数据。"))
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
    try:
        with record.file.open("rb") as stored:
            data = io.BytesIO(stored.read())
    except (OSError, ValueError):  # the stored file removed (or never kept)
        messages.error(request, _("这份名册的文件已不在服务器上，无法标出错误，请重新上传。"))
        return redirect("roster_import_detail", pk=record.pk)
    body = roster_import.error_workbook(data, record.filename)
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="roster-{record.pk}-errors.xlsx"'
    return response
