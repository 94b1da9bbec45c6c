"""Editing an initiative's role (a level of the staircase) and whether it is shared with
others. The pådriver and the board (administrators too) edit; others 403, another
organisation 404. Version-checked like a move: a card moved meanwhile is not overwritten."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.concurrency import StaleVersion
from portal.events import last_actor
from portal.http import HtmxRequest
from portfolio.forms.initiatives import InitiativeForm
from portfolio.models import Initiative
from portfolio.permissions import may_edit_status
from portfolio.services.initiatives import update_initiative


@require_http_methods(["GET", "POST"])
def initiative_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    initiative = (
        Initiative.objects.for_organisation(request.organisation)
        .select_related("idea")
        .filter(pk=pk)
        .first()
    )
    if initiative is None:
        raise Http404
    if not may_edit_status(initiative, request.user, request.membership):
        raise PermissionDenied
    form = InitiativeForm(
        request.POST or None, organisation=request.organisation, initiative=initiative
    )
    context: dict[str, object] = {"form": form, "initiative": initiative}
    if request.method != "POST" or not form.is_valid():
        return render(request, "portfolio/initiative_form.html", context)
    data = form.cleaned_data
    try:
        update_initiative(
            initiative=initiative,
            actor=request.user,
            expected_version=data["versjon"],
            role=data["role"],
            shared_with_others=data["shared_with_others"],
            shared_with=data["shared_with"],
        )
    except StaleVersion as conflict:
        form.add_error(
            None,
            _(
                "%(who)s endret eller flyttet initiativet mens du skrev. Det du valgte er ikke "
                "lagret, men står fortsatt i skjemaet. Se over og lagre på nytt."
            )
            % {"who": last_actor(conflict.current, _("Noen andre"))},
        )
        context.update(initiative=conflict.current, conflict=True)
        return render(request, "portfolio/initiative_form.html", context, status=409)
    messages.success(request, _("Rollen og delingen er lagret."))
    return redirect(reverse("portfolio:initiative", args=[initiative.pk]))


urlpatterns: list[URLPattern] = [
    path("initiativ/<int:pk>/endre/", initiative_edit, name="initiative_edit"),
]
