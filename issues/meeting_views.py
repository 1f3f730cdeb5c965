"""The organiser's meetings: schedule one with escalated tickets, then record its decisions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import role_required
from accounts.models import OrgUnit
from accounts.roles import Role
from issues import meetings, workflow
from issues.models import Meeting, Ticket


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("会议类型"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=200)
    scheduled_at = forms.DateTimeField(
        label=gettext_lazy("会议时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参会单位"), queryset=OrgUnit.objects.none(), required=False
    )
    tickets = forms.ModelMultipleChoiceField(
        label=gettext_lazy("上会难题"),
        queryset=Ticket.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["tickets"].queryset = candidates


def _area_tickets(user):
    return Ticket.objects.visible_to(user).filter(
        enterprise__town__path__startswith=user.jurisdiction_unit.path
    )


def _meetings(user):
    return Meeting.objects.filter(
        pk__in=Meeting.objects.filter(items__ticket__in=_area_tickets(user)).values("pk")
    )


@role_required(Role.ORGANISER)
def meeting_list(request):
    if request.user.jurisdiction_unit is None:
        return render(request, "reports/no_area.html", {"role_label": Role.ORGANISER.label})
    candidates = meetings.agenda_candidates(_area_tickets(request.user))
    form = ScheduleForm(
        request.POST or None, candidates=candidates, units=workflow.handling_units(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meetings.schedule(request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("会议已安排。"))
            return redirect("meeting_detail", meeting.pk)
    context = {
        "form": form,
        "candidates": candidates,
        "meetings": _meetings(request.user).order_by("-scheduled_at")[:50],
    }
    return render(
        request,
        "issues/meeting_list.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.ORGANISER)
def meeting_detail(request, pk: int):
    if request.user.jurisdiction_unit is None:
        raise Http404
    meeting = _meetings(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    items = list(meeting.items.select_related("ticket__enterprise", "ticket__owner_unit"))
    for item in items:  # what was typed, shown again if the form comes back
        item.typed = {
            name: request.POST.get(f"{name}_{item.ticket_id}", "")
            for name in ("decision", "unit", "days")
        }
    units = workflow.handling_units(request.user)
    if request.method == "POST":
        minutes = request.POST.get("minutes", "").strip()
        if any("\x00" in v for _, values in request.POST.lists() for v in values):
            decisions, errors = {}, [str(ProhibitNullCharactersValidator.message)]
        else:
            decisions, errors = _decisions(request.POST, items, units)
        if not decisions and not errors and minutes == meeting.minutes:
            errors = [_("请至少为一条难题填写会议决定。")]  # (the minutes alone may be corrected)
        if not errors:
            try:
                meetings.record(
                    request.user, meeting, minutes=minutes, decisions=decisions, request=request
                )
            except ValidationError as error:
                errors = error.messages
            else:
                if decisions:
                    messages.success(request, _("会议决定已记录，难题已重新交办。"))
                else:
                    messages.success(request, _("会议纪要已保存。"))
                return redirect("meeting_detail", meeting.pk)
        for error in errors:
            messages.error(request, error)
    context = {"meeting": meeting, "items": items, "units": units, "posted": request.POST}
    return render(
        request,
        "issues/meeting_detail.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _decisions(post, items, units) -> tuple[dict, list[str]]:
    """Read one decision per undecided ticket that has one typed; check its unit and days."""
    unit_ids = set(units.values_list("pk", flat=True))
    decisions, errors = {}, []
    for item in items:
        text = post.get(f"decision_{item.ticket_id}", "").strip()
        if item.decision or not text:
            continue
        try:
            unit = int(post.get(f"unit_{item.ticket_id}", ""))
            version = int(post.get(f"version_{item.ticket_id}", ""))
            days = int(post.get(f"days_{item.ticket_id}") or 10)
        except ValueError:
            errors.append(_("“%(title)s”的承办单位或时限无效。") % {"title": item.ticket.title})
            continue
        if unit not in unit_ids or not 1 <= days <= 120:
            errors.append(_("“%(title)s”的承办单位或时限无效。") % {"title": item.ticket.title})
            continue
        decisions[item.ticket_id] = {
            "decision": text,
            "owner_unit": units.get(pk=unit),
            "due_days": days,
            "version": version,
        }
    return decisions, errors
