"""Notices for leaders and organisers of an area: the list, one printable, its workbook, and
generating one by hand."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.roles import Role
from reports import notices
from reports.models import Notice


def _visible(user):
    area = user.jurisdiction_unit
    if area is None:
        return Notice.objects.none()
    return Notice.objects.filter(area__path__startswith=area.path).select_related("area")


@role_required(Role.LEADER, Role.ORGANISER)
def notice_list(request):
    area = request.user.jurisdiction_unit
    if request.method == "POST":
        kind = request.POST.get("kind")
        if area is None or kind not in Notice.Kind.values:
            messages.error(request, _("无法生成通报。"))
            return redirect("notice_list")
        period = notices.last_complete(kind, timezone.localdate())
        notice = notices.generate(area, kind, period, user=request.user)
        messages.success(request, _("通报已生成。"))
        return redirect("notice_detail", notice.pk)
    context = {"area": area, "notices": _visible(request.user)[:100], "kinds": Notice.Kind.choices}
    return render(request, "reports/notice_list.html", context)


def _notice(request, pk):
    notice = _visible(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


@role_required(Role.LEADER, Role.ORGANISER)
def notice_detail(request, pk: int):
    notice = _notice(request, pk)
    rows = [
        (label, notice.figures.get(key), key.endswith("_rate"))
        for key, label in notices.LABELS.items()
    ]
    return render(request, "reports/notice_detail.html", {"notice": notice, "rows": rows})


@role_required(Role.LEADER, Role.ORGANISER)
def notice_download(request, pk: int):
    notice = _notice(request, pk)
    return FileResponse(
        notice.workbook.open("rb"),
        as_attachment=True,
        filename=f"notice-{notice.area.code}-{notice.kind}-{notice.period_end:%Y%m%d}.xlsx",
    )
