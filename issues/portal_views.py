"""The firm portal (/firm/): sign in by credit code and SMS code, raise a problem, follow the
firm's problems, answer the handling unit's questions, rate the outcome.

Every ticket is read through Ticket.objects.visible_to(firm account), which holds the firm's own
tickets only: another firm's ticket answers 404. Pages show the firm what concerns it (state,
handling unit, deadline, the answers given to it) and nothing of the cadres' own records.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from issues import portal_otp, portal_services, portal_session, timeline, workflow
from issues.models import Rating, Status, Ticket, TicketAttachment
from issues.portal_forms import AnswerForm, CodeForm, CreditCodeForm, FirmRateForm, RaiseForm
from issues.portal_session import firm_required

# What the firm reads on its timeline; other steps show their name only (their notes are the
# offices' own: urgings, progress notes, disputes).
SHOWN_NOTES = {"firm_raise", "ask_firm", "firm_answer", "resolve", "rate"}
# Attachments the firm may open: its own, and those sent with an answer to it.
FIRM_FILE_EVENTS = ("firm_raise", "resolve", "ask_firm", "firm_answer")


def _cadre_here(request):
    if request.user.is_authenticated:
        return render(request, "portal/cadre_signed_in.html")
    return None


def login(request):
    """Step 1: the credit code; the code goes to the mobile number on the firm's file."""
    refused = _cadre_here(request)
    if refused:
        return refused
    if portal_session.current(request):
        return redirect("portal_home")
    form = CreditCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            firm = portal_otp.find_firm(form.cleaned_data["uscc"])
            masked = portal_otp.send_code(firm, request=request)
        except portal_otp.SignInError as error:
            form.add_error("uscc", str(error))
        else:
            request.session[portal_session.PENDING_KEY] = firm.pk
            request.session[portal_session.PHONE_KEY] = masked
            messages.success(request, _("验证码已发送至 %(phone)s。") % {"phone": masked})
            return redirect(_with_next("portal_verify", request))
    return render(request, "portal/login.html", {"form": form}, status=400 if form.errors else 200)


def _safe_next(request) -> str:
    """The portal page to return to after signing in (only a page of the portal)."""
    nxt = request.GET.get("next") or request.POST.get("next") or ""
    ok = nxt.startswith("/firm/") and url_has_allowed_host_and_scheme(nxt, {request.get_host()})
    return nxt if ok else ""


def _with_next(name, request) -> str:
    url, nxt = reverse(name), _safe_next(request)
    return f"{url}?{urlencode({'next': nxt})}" if nxt else url


def verify(request):
    """Step 2: the 6-digit code (or a new one, once a minute)."""
    refused = _cadre_here(request)
    if refused:
        return refused
    firm = Enterprise.objects.filter(pk=request.session.get(portal_session.PENDING_KEY)).first()
    if firm is None:
        return redirect("portal_login")
    phone = request.session.get(portal_session.PHONE_KEY, "")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("resend"):
        form = CodeForm()
        try:
            phone = portal_otp.send_code(firm, request=request)
            messages.success(request, _("新的验证码已发送至 %(phone)s。") % {"phone": phone})
        except portal_otp.SignInError as error:
            messages.error(request, str(error))
        return redirect(_with_next("portal_verify", request))
    if request.method == "POST" and form.is_valid():
        try:
            account = portal_otp.verify(firm, form.cleaned_data["code"], request=request)
        except portal_otp.SignInError as error:
            form.add_error("code", str(error))
        else:
            portal_session.sign_in(request, account, phone)
            return redirect(_safe_next(request) or "portal_home")
    context = {"form": form, "firm": firm, "phone": phone}
    return render(request, "portal/verify.html", context, status=400 if form.errors else 200)


@require_POST
def logout(request):
    if not request.user.is_authenticated:
        portal_session.sign_out(request)
    return redirect("portal_login")


def _tickets(request):
    return Ticket.objects.visible_to(request.firm.user).select_related("owner_unit")


@firm_required
def home(request):
    tickets = list(_tickets(request).order_by("-created_at")[:200])
    context = {
        "tickets": tickets,
        "to_rate": [t for t in tickets if t.status == Status.RESOLVED],
        "questions": [t for t in tickets if t.firm_question],
    }
    return render(request, "portal/home.html", context)


@firm_required
def raise_problem(request):
    form = RaiseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = portal_services.raise_problem(
                request.firm,
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                files=form.cleaned_data["files"],
                phone_masked=request.session.get(portal_session.PHONE_KEY, ""),
                request=request,
            )
        except ValidationError as error:
            form.add_error("files", error)
        else:
            messages.success(request, _("问题已提交，我们会尽快交办并告知办理进展。"))
            return redirect("portal_ticket", ticket.pk)
    status = 400 if form.errors else 200
    return render(request, "portal/raise.html", {"form": form}, status=status)


def _ticket(request, pk) -> Ticket:
    ticket = _tickets(request).filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


def _page(request, ticket, *, answer=None, rate=None, status=200):
    steps = timeline.story(list(ticket.events.select_related("actor").order_by("at", "id")))
    for step in steps:
        step.shown_note = step.event.note if step.event.action in SHOWN_NOTES else ""
        step.by_firm = step.event.actor_id == request.firm.user_id
        if step.event.action == "rate" and step.by_firm:  # the firm's own, not a record of it
            step.label = _("评价")
    files = TicketAttachment.objects.filter(ticket=ticket, event__action__in=FIRM_FILE_EVENTS)
    can = {t.action for t in workflow.available(request.firm.user, ticket)}
    context = {
        "ticket": ticket,
        "steps": steps,
        "files": files,
        "answer_form": answer
        or (AnswerForm(initial={"version": ticket.version}) if "firm_answer" in can else None),
        "rate_form": rate
        or (FirmRateForm(initial={"version": ticket.version}) if "rate" in can else None),
        "today": timezone.localdate(),
    }
    return render(request, "portal/ticket.html", context, status=status)


@firm_required
def ticket(request, pk: int):
    return _page(request, _ticket(request, pk))


def _act(request, ticket, action, form, data) -> str | None:
    """Apply the firm's action through the workflow; the error in words, or None."""
    try:
        with transaction.atomic():
            workflow.act(
                request.firm.user,
                ticket.pk,
                action,
                version=form.cleaned_data["version"],
                data=data,
                request=request,
            )
    except ValidationError as error:
        return " ".join(error.messages)
    return None


@require_POST
@firm_required
def answer(request, pk: int):
    ticket = _ticket(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        error = _act(request, ticket, "firm_answer", form, {"note": form.cleaned_data["note"]})
        if error is None:
            messages.success(request, _("答复已送达承办单位。"))
            return redirect("portal_ticket", pk)
        form.add_error(None, error)
    return _page(request, _ticket(request, pk), answer=form, status=400)


@require_POST
@firm_required
def rate(request, pk: int):
    ticket = _ticket(request, pk)
    form = FirmRateForm(request.POST)
    if form.is_valid():
        data = {"rating": form.cleaned_data["rating"], "note": form.cleaned_data["note"].strip()}
        error = _act(request, ticket, "rate", form, data)
        if error is None:
            if data["rating"] == Rating.UNSATISFIED:
                messages.success(request, _("已收到您的评价，问题已退回承办单位重新办理。"))
            else:
                messages.success(request, _("感谢您的评价。"))
            return redirect("portal_ticket", pk)
        form.add_error(None, error)
    return _page(request, _ticket(request, pk), rate=form, status=400)


@firm_required
def attachment(request, pk: int, attachment_pk: int):
    ticket = _ticket(request, pk)
    found = TicketAttachment.objects.filter(
        ticket=ticket, pk=attachment_pk, event__action__in=FIRM_FILE_EVENTS
    ).first()
    if found is None:
        raise Http404
    try:
        stored = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        stored, as_attachment=True, filename=found.name, content_type=found.content_type
    )
