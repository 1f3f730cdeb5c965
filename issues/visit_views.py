"""A cadre writes up a visit to an enterprise they are paired with; anyone who may see a visit
reads it back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import get_object_for, role_required
from accounts.roles import Role
from enterprises.models import Enterprise
from issues import intake
from issues.visit_forms import ProblemFormSet, VisitForm
from pairing import survey
from pairing.models import ServiceRole, Visit


@role_required(Role.CADRE)
def visit_new(request, enterprise_pk: int):
    enterprise = get_object_for(
        request.user, Enterprise.objects.select_related("town"), enterprise_pk, request=request
    )
    cadre = getattr(request.user, "cadre", None)
    if cadre is None or intake.active_pairing(cadre, enterprise.pk) is None:
        raise Http404  # visible as an organiser, but not the user's own pairing
    form = VisitForm(request.POST or None)
    problems = ProblemFormSet(request.POST or None, prefix="problems")
    if request.method == "POST" and form.is_valid() and problems.is_valid():
        try:
            visit = intake.log_visit(
                request.user,
                enterprise,
                form.save(),
                [f.problem() for f in problems if f.has_changed()],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except intake.AlreadyLogged as repeat:
            messages.info(request, _("这次走访已保存过，未重复保存。"))
            return redirect("visit_detail", repeat.visit.pk)
        else:
            messages.success(request, _("走访已保存。"))
            return redirect("visit_detail", visit.pk)
    return render(
        request,
        "issues/visit_form.html",
        {"enterprise": enterprise, "form": form, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def visit_detail(request, pk: int):
    visit = get_object_for(
        request.user,
        Visit.objects.select_related("enterprise", "cadre__user", "campaign"),
        pk,
        request=request,
    )
    context = {
        "visit": visit,
        "answers": survey.answers_for_display(visit.survey),
        "services": [label for code, label in ServiceRole.choices if code in visit.services],
        "tickets": visit.tickets.all(),
    }
    return render(request, "issues/visit_detail.html", context)
