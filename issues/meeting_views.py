"""The organiser's meetings: schedule one with escalated tickets, record its minutes and
decisions; its 会议纪要 to print or file as a Word document."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import role_required
from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.widgets import SearchableSelectMultiple
from issues import meetings, minutes_docx, workflow
from issues.models import Meeting, Ticket


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("会议类型"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=200)
    scheduled_at = forms.DateTimeField(
        label=gettext_lazy("会议时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label=gettext_lazy("会议地点"), max_length=200, required=False)
    chair = forms.ModelChoiceField(
        label=gettext_lazy("主持人"),
        queryset=User.objects.none(),
        error_messages={"required": gettext_lazy("请选择会议主持人。")},
    )
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参会单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=SearchableSelectMultiple,
    )
    attendees = forms.CharField(
        label=gettext_lazy("参会人员"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text=gettext_lazy("每行一人：单位 姓名 职务"),
    )
    tickets = forms.ModelMultipleChoiceField(
        label=gettext_lazy("上会难题"),
        queryset=Ticket.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates, units, chairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["tickets"].queryset = candidates
        self.fields["chair"].queryset = chairs


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
        request.POST or None,
        candidates=candidates,
        units=workflow.handling_units(request.user),
        chairs=meetings.chairs_for(request.user.jurisdiction_unit),
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


def _meeting_for(user, pk: int) -> Meeting:
    if user.jurisdiction_unit is None:
        raise Http404
    meeting = _meetings(user).select_related("chair", "organiser").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


FIELDS = ("minutes", "decision", "unit", "days", "due")


@role_required(Role.ORGANISER)
def meeting_detail(request, pk: int):
    meeting = _meeting_for(request.user, pk)
    items = list(
        meeting.items.select_related("ticket__enterprise", "ticket__owner_unit", "owner_unit")
    )
    for item in items:  # what was typed, shown again if the form comes back
        item.typed = {name: request.POST.get(f"{name}_{item.ticket_id}", "") for name in FIELDS}
    units = workflow.handling_units(request.user)
    if request.method == "POST":
        minutes = request.POST.get("minutes", "").strip()
        item_minutes = {
            i.ticket_id: i.typed["minutes"].strip()
            for i in items
            if f"minutes_{i.ticket_id}" in request.POST
        }
        if any("\x00" in v for _, values in request.POST.lists() for v in values):
            decisions, errors = {}, [str(ProhibitNullCharactersValidator.message)]
        else:
            decisions, errors = _decisions(request.POST, items, units)
        unchanged = minutes == meeting.minutes and all(
            i.minutes == item_minutes.get(i.ticket_id, i.minutes) for i in items
        )
        if not decisions and not errors and unchanged:
            errors = [_("请至少为一条难题填写会议决定。")]  # (the minutes alone may be corrected)
        if not errors:
            try:
                meetings.record(
                    request.user,
                    meeting,
                    minutes=minutes,
                    item_minutes=item_minutes,
                    decisions=decisions,
                    request=request,
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
    """Read one decision per undecided ticket that has one typed; check its unit and deadline
    (working days, or a date after today)."""
    unit_ids = set(units.values_list("pk", flat=True))
    today = timezone.localdate()
    decisions, errors = {}, []
    for item in items:
        text = post.get(f"decision_{item.ticket_id}", "").strip()
        if item.decision or not text:
            continue
        invalid = _("“%(title)s”的承办单位或时限无效。") % {"title": item.ticket.title}
        try:
            unit = int(post.get(f"unit_{item.ticket_id}", ""))
            version = int(post.get(f"version_{item.ticket_id}", ""))
            days = int(post.get(f"days_{item.ticket_id}") or 10)
            typed_due = post.get(f"due_{item.ticket_id}", "").strip()
            due = datetime.date.fromisoformat(typed_due) if typed_due else None
        except ValueError:
            errors.append(invalid)
            continue
        if unit not in unit_ids or not 1 <= days <= 120:
            errors.append(invalid)
            continue
        if due is not None and due <= today:
            errors.append(_("“%(title)s”的办结期限须晚于今天。") % {"title": item.ticket.title})
            continue
        decisions[item.ticket_id] = {
            "decision": text,
            "owner_unit": units.get(pk=unit),
            "due_days": None if due else days,
            "due_date": due,
            "version": version,
        }
    return decisions, errors


@role_required(Role.ORGANISER, Role.LEADER)
def meeting_minutes(request, pk: int):
    """会议纪要: the page that prints, or the same as a Word document (?format=docx)."""
    meeting = _meeting_for(request.user, pk)
    items = list(meeting.items.select_related("ticket__enterprise", "owner_unit"))
    if request.GET.get("format") == "docx":
        return minutes_docx.response(meeting, items)
    context = {
        "meeting": meeting,
        "items": items,
        "facts": minutes_docx.facts(meeting),
        "perms_organiser": Role.ORGANISER in request.user.roles,
    }
    return render(request, "issues/meeting_minutes.html", context)
