"""Roster import pages for the system administrator (and an organiser, for the towns of their
area): upload, see the plan, map the headers it did not know, confirm; the template."""

from __future__ import annotations

import io
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.access import role_required
from accounts.exports import XLSX_TYPE
from accounts.models import OrgUnit
from accounts.roles import Role
from enterprises import import_confirmation, import_jobs, roster_import
from enterprises.models import Enterprise, HeaderAlias, RosterImport, Tag
from enterprises.roster_rows import ALIASES, REQUIRED
from enterprises.spreadsheets import workbooks
from enterprises.spreadsheets.reader import header_key
from enterprises.spreadsheets.safety import UnsafeUpload, check_upload
from pairing import queue

UPLOAD_LABEL = gettext_lazy("名册文件（.xlsx、.xls、.csv，或 Unicode 文本 .txt）")


class UploadForm(forms.Form):
    file = forms.FileField(label=UPLOAD_LABEL)


def _records(user):
    """Every roster import for the system admin; an organiser's own."""
    records = RosterImport.objects.select_related("uploaded_by")
    return records if Role.ADMIN in user.roles else records.filter(uploaded_by=user)


def _area_required(view):
    """An organiser without a jurisdiction sees why there is nothing to import."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if Role.ADMIN not in user.roles and user.jurisdiction_unit_id is None:
            return render(request, "reports/no_area.html", {"role_label": Role.ORGANISER.label})
        return view(request, *args, **kwargs)

    return role_required(Role.ADMIN, Role.ORGANISER)(wrapped)


def _start(record: RosterImport, job, *args) -> None:
    """Queue the job after the record commits; inline when embedded, so the page finds it done."""
    job_id = queue.enqueue(job, record.pk, *args, queue="imports")
    RosterImport.objects.filter(pk=record.pk).update(job_id=job_id or "")


@_area_required
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
    recent = _records(request.user)[:10]
    return render(request, "enterprises/import_upload.html", {"form": form, "recent": recent})


FIELD_LABELS = {name: names[0] for name, names in ALIASES.items()}


@_area_required
def import_detail(request, pk: int):
    record = get_object_or_404(_records(request.user), pk=pk)
    page = Paginator(record.errors, 100).get_page(request.GET.get("page"))
    used = set(record.columns.get("used", {}))
    context = {
        "record": record,
        "page": page,
        "progress": import_jobs.progress(record),
        "unused": record.columns.get("unused", []),
        # The fields an unknown header may be mapped to: those the sheet did not fill.
        "mappable": [(n, label) for n, label in FIELD_LABELS.items() if n not in used],
        "may_map": record.uploaded_by_id == request.user.pk
        and record.status in (RosterImport.Status.PLANNED, RosterImport.Status.REJECTED),
    }
    context |= import_confirmation.page_context(record, request.user)
    return render(request, "enterprises/import_detail.html", context)


@require_POST
@_area_required
def import_map_columns(request, pk: int):
    """The uploader maps headers the import did not know to fields; the mapping is kept for the
    unit's next uploads, and this file is checked again with it."""
    with transaction.atomic():
        record = get_object_or_404(_records(request.user).select_for_update(of=("self",)), pk=pk)
        unused = record.columns.get("unused", [])
        mapped = {
            unused[int(key.removeprefix("map-"))]: value
            for key, value in request.POST.items()
            if key.startswith("map-")
            and key.removeprefix("map-").isdigit()
            and int(key.removeprefix("map-")) < len(unused)
            and value in FIELD_LABELS
        }
        allowed = record.uploaded_by_id == request.user.pk and record.status in (
            RosterImport.Status.PLANNED,
            RosterImport.Status.REJECTED,
        )
        if not allowed or not mapped:
            messages.error(request, _("没有可保存的表头对应。"))
            return redirect("roster_import_detail", pk=record.pk)
        unit = import_jobs.mapping_unit(request.user)
        for header, name in mapped.items():
            HeaderAlias.objects.update_or_create(
                unit_id=unit,
                kind=roster_import.KIND,
                header=header_key(header),
                defaults={"field": name, "created_by": request.user},
            )
        audit.record(
            "import_columns_mapped",
            request=request,
            obj=record,
            changes={"columns": mapped},
        )
        record.status = RosterImport.Status.CHECKING
        record.save(update_fields=["status"])
        _start(record, import_jobs.check)
    messages.success(request, _("表头对应已保存，本单位以后上传时沿用；正在按新的对应重新校验。"))
    return redirect("roster_import_detail", pk=record.pk)


@_area_required
def import_progress(request, pk: int):
    """The progress bar's fragment, polled by the page; when the job is over, the page reloads."""
    record = get_object_or_404(_records(request.user), pk=pk)
    progress = import_jobs.progress(record)
    if progress is None:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request, "enterprises/_import_progress.html", {"record": record, "progress": progress}
    )


@require_POST
@_area_required
def import_commit(request, pk: int):
    with transaction.atomic():
        record = get_object_or_404(_records(request.user).select_for_update(of=("self",)), pk=pk)
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
@_area_required
def import_cancel(request, pk: int):
    record, refusal = import_confirmation.cancel(
        _records(request.user),
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


@_area_required
def import_template(request):
    """A workbook with the Chinese headers (required ones starred), drop-downs on the columns
    with fixed values, and a sheet of the allowed values."""
    towns = OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET])
    area = import_jobs.import_area(request.user)
    if area is not None:
        towns = towns.under(area)
    body = workbooks.template(
        _("企业名册"),
        ALIASES,
        REQUIRED,
        _("可选值"),
        {
            "town": list(towns.values_list("name", flat=True)),
            "scale": [str(label) for _v, label in Enterprise.Scale.choices],
            "above_scale": ["规上", "规下"],
            "production_status": [str(label) for _v, label in Enterprise.ProductionStatus.choices],
            "tags": list(Tag.objects.values_list("name", flat=True)),
        },
    )
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


@_area_required
def import_error_workbook(request, pk: int):
    record = get_object_or_404(_records(request.user), pk=pk)
    try:
        with record.file.open("rb") as stored:
            data = io.BytesIO(stored.read())
    except (OSError, ValueError):  # the stored file removed (or never kept)
        messages.error(request, _("这份名册的文件已不在服务器上，无法标出错误，请重新上传。"))
        return redirect("roster_import_detail", pk=record.pk)
    user = record.uploaded_by
    aliases = roster_import.aliases_for(import_jobs.mapping_unit(user))
    body = roster_import.error_workbook(
        data, record.filename, aliases=aliases, area=import_jobs.import_area(user)
    )
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="roster-{record.pk}-errors.xlsx"'
    return response
