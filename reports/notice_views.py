"""Notices for leaders and organisers of an area: the list, generating one for any past period
and campaign, one notice to read and print, its workbook; and marking a problem as typical."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role
from issues.models import Ticket
from pairing.replica import reading
from pairing.selectors import campaigns_for_area
from reports import cases, notice_content, notices
from reports.models import Notice
from reports.periods import calendar_period, complete_periods


def _visible(user):
    area = user.jurisdiction_unit
    if area is None:
        return Notice.objects.none()
    return (
        Notice.objects.filter(area__path__startswith=area.path)
        .select_related("area", "campaign")
        .using(reading())
    )


def period_choices(today):
    """The past periods a notice may cover, grouped by kind: value "kind:start"."""
    return [
        (
            label,
            [
                (f"{kind}:{p.start:%Y-%m-%d}", f"{p.start:%Y-%m-%d} 至 {p.end:%Y-%m-%d}")
                for p in complete_periods(kind, today)
            ],
        )
        for kind, label in Notice.Kind.choices
    ]


class NoticeForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("期间"))
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("行动"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部行动"),
    )

    def __init__(self, *args, area, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(today)
        self.fields["campaign"].queryset = campaigns_for_area(area).order_by("-start")

    def chosen(self):
        """(kind, period) of the chosen value."""
        kind, start = self.cleaned_data["period"].split(":")
        return kind, calendar_period(kind, forms.DateField().clean(start))


@role_required(Role.LEADER, Role.ORGANISER)
def notice_list(request):
    area = request.user.jurisdiction_unit
    today = timezone.localdate()
    form = None
    if area is not None:
        form = NoticeForm(request.POST or None, area=area, today=today)
        if request.method == "POST" and form.is_valid():
            kind, period = form.chosen()
            notice = notices.generate(
                area, kind, period, campaign=form.cleaned_data["campaign"], user=request.user
            )
            messages.success(request, _("通报已生成。"))
            return redirect("notice_detail", notice.pk)
    elif request.method == "POST":
        messages.error(request, _("无法生成通报。"))
        return redirect("notice_list")
    context = {"area": area, "notices": _visible(request.user)[:100], "form": form}
    return render(
        request, "reports/notice_list.html", context, status=400 if form and form.errors else 200
    )


def _notice(request, pk):
    notice = _visible(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


@role_required(Role.LEADER, Role.ORGANISER)
def notice_detail(request, pk: int):
    notice = _notice(request, pk)
    figures = notice.figures
    if "now" not in figures:  # a notice made before comparisons: its flat figures
        figures = {"now": figures, "before": {}, "areas": [], "units": [], "cases": []}
    basis = notices.basis(notice)
    summary = []
    for key, label, kind in notice_content.SUMMARY:
        now, before = figures["now"].get(key), figures["before"].get(key)
        summary.append(
            {
                "label": label,
                "now": now,
                "before": before,
                "change": now - before if now is not None and before is not None else None,
                "is_rate": key in notice_content.RATE_KEYS,
                "basis": basis[kind],
            }
        )
    context = {
        "notice": notice,
        "title": notices.title(notice),
        "meta": notices.meta(notice),
        "summary": summary,
        "figures": figures,
    }
    return render(request, "reports/notice_detail.html", context)


@role_required(Role.LEADER, Role.ORGANISER)
def notice_download(request, pk: int):
    notice = _notice(request, pk)
    return FileResponse(
        notice.workbook.open("rb"),
        as_attachment=True,
        filename=f"notice-{notice.area.code}-{notice.kind}-{notice.period_end:%Y%m%d}.xlsx",
    )


@require_POST
@role_required(Role.ORGANISER)
def ticket_typical(request, pk: int):
    """Mark a problem of the organiser's area as a typical case (典型案例), or no longer."""
    typical = request.POST.get("typical") == "1"
    note = request.POST.get("note", "").strip()[:500]
    try:
        cases.ticket_mark_typical(ticket_id=pk, actor=request.user, typical=typical, note=note)
    except Ticket.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("已列为典型案例。") if typical else _("已取消典型案例。"))
    return redirect("ticket_detail", pk)
