"""One access table for every URL: role × URL → expected status.

Anonymous users are sent to the login page, other organisations' objects are 404 (not 403,
which would confirm they exist), and a wrong role is 403. A URL pattern that is missing
from the table fails `test_every_url_pattern_is_in_the_access_table`.

The outsiders are a staff member, a board member and an administrator of another
organisation: the last two pass every role check, so only the organisation scoping keeps
them out, and the pages they may open must not show a single one of this organisation's
ideas. A GET on a POST-only URL is 405 before any check and proves nothing, so
`POST_TABLE` posts to each of them as well.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Case, When
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django import Settings

from ideas.models import Attachment, Idea, InnovationType
from ideas.services import add_attachment, add_comment, submit_idea
from maturity.models import Kpi, MaturityDimension
from maturity.services.assessments import open_assessment
from portal.identity import configure_entra
from portal.invitations import invite, make_token, read_rows
from portal.models import Invitation, Membership, Organisation, Role, Unit, User
from portal.services import add_member
from portfolio.models import (
    BenefitKind,
    ChecklistItem,
    Indicator,
    Initiative,
    MeasureUnit,
    Meeting,
    MunicipalRole,
    Phase,
    PhaseKind,
    StatusReport,
)
from portfolio.services.benefits import add_benefit, add_indicator
from portfolio.services.meetings import create_meeting
from portfolio.services.status import save_status_report
from portfolio.services.triage import accept_idea, park_idea
from tests.maturity.access_objects import model_object_pk, new_criterion, strategy_report

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LOGIN = "login"  # a redirect to the login page
ALL_GREEN: dict[str, Any] = dict.fromkeys(StatusReport.LIGHTS, "green")
METHOD_NOT_ALLOWED = 405  # a GET on a POST-only URL
ROLES = (
    "anonymous",
    "staff",
    "board",
    "leader",
    "admin",
    "outsider",
    "outsider_board",
    "outsider_admin",
    "operator",
)
# URL kwargs that name no object of the organisation (everything else is looked up in it).
NO_OBJECT = {"", "export", "reset", "login_slug", "entra", "picker"}


@dataclass(frozen=True)
class Row:
    anonymous: int | str
    staff: int | str
    board: int | str
    leader: int | str
    admin: int | str
    outsider: int | str
    kwargs: str = ""  # which object the URL names: "" or "idea"
    # Board members and administrators of another organisation. By default they get what
    # the same role here gets on a page that names no object, and 404 on this
    # organisation's objects unless the role check or the method already refuses them.
    outsider_board: int | str | None = None
    outsider_admin: int | str | None = None
    # The operator (a platform superuser, nobody's member) reaches the operator pages, the
    # public ones and allauth's; everything else is 403. By default: a public page as an
    # outsider gets it, any other 403.
    operator: int | str | None = None

    def expected(self, role: str) -> int | str:
        if role == "operator" and self.operator is None:
            return self.outsider if self.anonymous != LOGIN else 403
        value: int | str | None = getattr(self, role)
        if value is not None:
            return value
        own: int | str = getattr(self, role.removeprefix("outsider_"))
        if self.kwargs in NO_OBJECT or own in {403, METHOD_NOT_ALLOWED}:
            return own
        return 404


MEMBERS: dict[str, Any] = {"staff": 200, "board": 200, "leader": 200, "admin": 200}
PAGE = Row(anonymous=LOGIN, outsider=200, **MEMBERS)
OBJECT = Row(anonymous=LOGIN, outsider=404, kwargs="idea", **MEMBERS)
BOARD_ONLY = Row(anonymous=LOGIN, staff=403, board=200, leader=403, admin=200, outsider=403)
PUBLIC = Row(anonymous=200, outsider=200, **MEMBERS)
AUTH_ONLY_PAGE = Row(anonymous=LOGIN, outsider=200, **MEMBERS)
REDIRECT_WHEN_LOGGED_IN = Row(
    anonymous=200, staff=302, board=302, leader=302, admin=302, outsider=302
)
POST_ONLY = Row(
    anonymous=LOGIN,
    staff=METHOD_NOT_ALLOWED,
    board=METHOD_NOT_ALLOWED,
    leader=METHOD_NOT_ALLOWED,
    admin=METHOD_NOT_ALLOWED,
    outsider=METHOD_NOT_ALLOWED,
    kwargs="idea",
)
ADMIN_ONLY = Row(anonymous=LOGIN, staff=403, board=403, leader=403, admin=200, outsider=403)
NOT_ALLOWED: dict[str, Any] = dict.fromkeys(ROLES[1:6], METHOD_NOT_ALLOWED)
OPERATOR_ONLY: dict[str, Any] = {
    **dict.fromkeys(ROLES[1:8], 403),
}
LEADERS_ONLY = Row(anonymous=LOGIN, staff=403, board=403, leader=200, admin=200, outsider=403)
REPORT_READERS = Row(anonymous=LOGIN, staff=403, board=200, leader=200, admin=200, outsider=403)
BENEFIT_EDITORS = Row(anonymous=LOGIN, staff=403, board=200, leader=403, admin=200, outsider=404)

ACCESS_TABLE: dict[str, Row] = {
    # Phases and portfolio settings: administrators only, the board too gets 403; a GET on
    # the POST-only URLs is 405 before any check (POST_TABLE posts to them). Another
    # organisation's phase: 404, for its administrator too.
    "portfolio:phases": ADMIN_ONLY,
    "portfolio:phase_create": Row(anonymous=LOGIN, **NOT_ALLOWED),
    "portfolio:phase_edit": replace(ADMIN_ONLY, kwargs="phase"),
    "portfolio:phase_move": Row(anonymous=LOGIN, kwargs="phase", **NOT_ALLOWED),
    "portfolio:phase_delete": replace(ADMIN_ONLY, kwargs="phase"),
    "portfolio:checklist_add": Row(anonymous=LOGIN, kwargs="phase", **NOT_ALLOWED),
    "portfolio:checklist_edit": Row(anonymous=LOGIN, kwargs="checklist_item", **NOT_ALLOWED),
    "portfolio:checklist_move": Row(anonymous=LOGIN, kwargs="checklist_item", **NOT_ALLOWED),
    "portfolio:checklist_remove": Row(anonymous=LOGIN, kwargs="checklist_item", **NOT_ALLOWED),
    "portfolio:portfolio_settings": ADMIN_ONLY,
    "portfolio:phase_template": Row(anonymous=LOGIN, **NOT_ALLOWED),
    "home": PAGE,
    # Everyone sees the board of their own organisation; only the board and admins move.
    "portfolio:board": PAGE,
    "portfolio:column": Row(anonymous=LOGIN, outsider=404, kwargs="phase", **MEMBERS),
    "portfolio:move": Row(
        anonymous=LOGIN,
        staff=403,
        board=200,
        leader=403,
        admin=200,
        outsider=404,
        kwargs="initiative",
    ),
    # An initiative's page and benefit plan: every member reads them. The pådriver (here
    # nobody), a benefit's owner or responsible (nobody) and the board edit; tests of each
    # role as pådriver, owner and responsible are in tests/portfolio/test_benefits.py.
    "portfolio:initiative": Row(anonymous=LOGIN, outsider=404, kwargs="initiative", **MEMBERS),
    "portfolio:benefit_plan": Row(anonymous=LOGIN, outsider=404, kwargs="initiative", **MEMBERS),
    "portfolio:benefit_plan_pdf": Row(
        anonymous=LOGIN, outsider=404, kwargs="initiative", **MEMBERS
    ),
    "portfolio:benefit_create": replace(BENEFIT_EDITORS, kwargs="initiative"),
    "portfolio:benefit_edit": replace(BENEFIT_EDITORS, kwargs="benefit"),
    "portfolio:indicator_create": replace(BENEFIT_EDITORS, kwargs="benefit"),
    "portfolio:measurement_create": replace(BENEFIT_EDITORS, kwargs="indicator"),
    "health": PUBLIC,
    "ideas:list": PAGE,
    "ideas:mine": PAGE,
    "ideas:create": PAGE,
    # Triage and board meetings: the board and administrators decide; closing is POST only.
    # Another organisation's idea or meeting is 404 for its board too; its inbox and
    # meeting list open (200) and show none of this organisation's ideas.
    "portfolio:triage": BOARD_ONLY,
    "portfolio:triage_idea": replace(BOARD_ONLY, kwargs="idea"),
    # GET only: its merge form posts to triage_idea (tested there and in test_triage.py).
    "portfolio:merge_chooser": replace(BOARD_ONLY, kwargs="idea"),
    "portfolio:meetings": BOARD_ONLY,
    "portfolio:meeting_create": BOARD_ONLY,
    "portfolio:meeting": replace(BOARD_ONLY, kwargs="meeting"),
    "portfolio:meeting_close": replace(Row(anonymous=LOGIN, **NOT_ALLOWED), kwargs="meeting"),
    "portfolio:meeting_minutes": replace(BOARD_ONLY, kwargs="meeting"),
    "portfolio:meeting_minutes_pdf": replace(BOARD_ONLY, kwargs="meeting"),
    # Flow figures: the board, leaders and administrators; staff (here and elsewhere) 403.
    "portfolio:flow": Row(
        anonymous=LOGIN, staff=403, board=200, leader=200, admin=200, outsider=403
    ),
    # Status reports: members read the published ones; the pådriver (here nobody), the board
    # and administrators write them, and only they see a draft. Another organisation's: 404.
    "portfolio:status_reports": Row(anonymous=LOGIN, outsider=404, kwargs="initiative", **MEMBERS),
    "portfolio:status_new": Row(
        anonymous=LOGIN,
        staff=403,
        board=200,
        leader=403,
        admin=200,
        outsider=404,
        kwargs="initiative",
    ),
    # The initiative's role and sharing: the pådriver (here nobody), the board and admins.
    "portfolio:initiative_edit": replace(BENEFIT_EDITORS, kwargs="initiative"),
    "portfolio:status_edit": Row(
        anonymous=LOGIN, staff=403, board=200, leader=403, admin=200, outsider=404, kwargs="draft"
    ),
    # The benefit overview: the board, leaders and administrators, like the flow figures.
    "portfolio:benefit_overview": Row(
        anonymous=LOGIN, staff=403, board=200, leader=200, admin=200, outsider=403
    ),
    "ideas:detail": OBJECT,
    # Collaboration: a GET on the POST-only URLs is 405 before any lookup, so it confirms
    # nothing. Only a comment's author (here the submitter, staff) may edit it.
    "ideas:comment_add": POST_ONLY,
    "ideas:comment_edit": Row(
        anonymous=LOGIN,
        staff=200,
        board=403,
        leader=403,
        admin=403,
        outsider=404,
        outsider_board=404,  # the idea is looked up before the author is compared
        outsider_admin=404,
        kwargs="comment",
    ),
    "ideas:comment_delete": Row(
        anonymous=LOGIN,
        staff=METHOD_NOT_ALLOWED,
        board=METHOD_NOT_ALLOWED,
        leader=METHOD_NOT_ALLOWED,
        admin=METHOD_NOT_ALLOWED,
        outsider=METHOD_NOT_ALLOWED,
        kwargs="comment",
    ),
    "ideas:support": POST_ONLY,
    "ideas:follow": POST_ONLY,
    "notification_settings": PAGE,
    # Attachments: upload and delete are POST only; members download, outsiders get 404.
    "ideas:attachment_add": Row(
        anonymous=LOGIN, staff=405, board=405, leader=405, admin=405, outsider=405, kwargs="idea"
    ),
    "ideas:attachment_download": Row(anonymous=LOGIN, outsider=404, kwargs="attachment", **MEMBERS),
    "ideas:attachment_delete": Row(
        anonymous=LOGIN,
        staff=405,
        board=405,
        leader=405,
        admin=405,
        outsider=405,
        kwargs="attachment",
    ),
    # Only the submitter edits before triage (the board after); a GET shows the form.
    "ideas:edit": Row(
        anonymous=LOGIN, staff=200, board=200, leader=403, admin=200, outsider=404, kwargs="idea"
    ),
    "ideas:withdraw": Row(
        anonymous=LOGIN, staff=405, board=405, leader=405, admin=405, outsider=405, kwargs="idea"
    ),
    "ideas:similar": PAGE,
    "ideas:export": Row(anonymous=LOGIN, outsider=200, kwargs="export", **MEMBERS),
    # allauth, local accounts only.
    "account_login": REDIRECT_WHEN_LOGGED_IN,
    "account_logout": Row(anonymous=302, outsider=200, **MEMBERS),
    "account_inactive": PUBLIC,
    "account_change_password": replace(AUTH_ONLY_PAGE, operator=200),
    # Everyone here has a password already, so allauth sends them to «change password».
    "account_set_password": Row(
        anonymous=LOGIN, staff=302, board=302, leader=302, admin=302, outsider=302, operator=302
    ),
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": Row(anonymous=200, outsider=200, kwargs="reset", **MEMBERS),
    "account_reset_password_from_key_done": PUBLIC,
    # Sign-in: a municipality's own sign-in page (an unknown slug is 404, see
    # tests/portal/test_identity.py); Entra ID's start (a GET asks to continue, the login
    # itself is a POST: tests/portal/test_identity.py) and callback (without a login under
    # way: allauth's error page, 401), and allauth's pages for a cancelled or failed login.
    "account_login_organisation": replace(REDIRECT_WHEN_LOGGED_IN, kwargs="login_slug"),
    "openid_connect_login": Row(anonymous=200, outsider=200, kwargs="entra", **MEMBERS),
    "openid_connect_callback": Row(
        anonymous=401, staff=401, board=401, leader=401, admin=401, outsider=401, kwargs="entra"
    ),
    "socialaccount_login_cancelled": PUBLIC,
    "socialaccount_login_error": Row(
        anonymous=401, staff=401, board=401, leader=401, admin=401, outsider=401
    ),
    # maturity: dashboards. Everyone in the organisation sees the staff page «Strategien og
    # hvor vi står»; the leaders' dashboard is for leaders and administrators (another
    # organisation's administrator sees their own organisation's dashboard).
    "maturity:strategy": PAGE,
    "maturity:dashboard": Row(
        anonymous=LOGIN, staff=403, board=403, leader=200, admin=200, outsider=403
    ),
    # maturity: KPIs. Leaders and administrators see them, enter the hand-entered values
    # and export the KPI table and the measures; administrators define KPIs. Another
    # organisation's KPI is 404, for its administrator too.
    "maturity:kpi_list": Row(
        anonymous=LOGIN, staff=403, board=403, leader=200, admin=200, outsider=403
    ),
    "maturity:kpi_create": ADMIN_ONLY,
    "maturity:kpi_edit": replace(ADMIN_ONLY, kwargs="kpi"),
    "maturity:kpi_delete": replace(ADMIN_ONLY, kwargs="kpi"),
    "maturity:kpi_values": Row(
        anonymous=LOGIN, staff=403, board=403, leader=200, admin=200, outsider=403, kwargs="kpi"
    ),
    "maturity:kpi_value": Row(
        anonymous=LOGIN,
        staff=403,
        board=403,
        leader=200,
        admin=200,
        outsider=403,
        kwargs="kpi_year",
    ),
    "maturity:kpi_export": Row(
        anonymous=LOGIN, staff=403, board=403, leader=200, admin=200, outsider=403, kwargs="export"
    ),
    "maturity:measure_export": Row(
        anonymous=LOGIN, staff=403, board=403, leader=200, admin=200, outsider=403, kwargs="export"
    ),
    # maturity: the model and the measures. Administrators edit the staircase model and the
    # measures; leaders (and administrators) follow the measures and write progress notes;
    # staff and the board get 403. Another organisation's level, period, dimension,
    # criterion or measure is 404 for its administrator too.
    "maturity:model": ADMIN_ONLY,
    "maturity:level_edit": replace(ADMIN_ONLY, kwargs="level"),
    "maturity:period_create": ADMIN_ONLY,
    "maturity:period_edit": replace(ADMIN_ONLY, kwargs="period"),
    "maturity:period_delete": replace(ADMIN_ONLY, kwargs="period"),
    "maturity:dimension_create": ADMIN_ONLY,
    "maturity:dimension_edit": replace(ADMIN_ONLY, kwargs="dimension"),
    "maturity:dimension_move": Row(anonymous=LOGIN, kwargs="dimension", **NOT_ALLOWED),
    "maturity:criterion_create": Row(anonymous=LOGIN, kwargs="dimension", **NOT_ALLOWED),
    "maturity:criterion_edit": replace(ADMIN_ONLY, kwargs="criterion"),
    "maturity:criterion_delete": replace(ADMIN_ONLY, kwargs="criterion"),
    "maturity:measures": LEADERS_ONLY,
    "maturity:measure": replace(LEADERS_ONLY, kwargs="measure"),
    "maturity:measure_note": Row(anonymous=LOGIN, kwargs="measure", **NOT_ALLOWED),
    "maturity:measure_create": ADMIN_ONLY,
    "maturity:measure_edit": replace(ADMIN_ONLY, kwargs="measure"),
    "maturity:measure_delete": replace(ADMIN_ONLY, kwargs="measure"),
    # maturity: assessment. Leaders and administrators only (board and staff 403); a year
    # of another organisation, or not opened, is 404 for its administrator too. The
    # answer and agreement pages take POST as well: tests/maturity/test_assessments.py
    # posts to them from every role.
    "maturity:assessments": LEADERS_ONLY,
    "maturity:assessment": replace(LEADERS_ONLY, kwargs="assessment"),
    "maturity:assessment_answer": replace(LEADERS_ONLY, kwargs="assessment_dimension"),
    "maturity:assessment_agree": replace(LEADERS_ONLY, kwargs="assessment"),
    # maturity: the yearly report for kommunestyret. Leaders and administrators request it
    # and try a failed one again (POST only); they and the board see and download it; staff
    # 403; another organisation's report 404.
    "maturity:reports": REPORT_READERS,
    "maturity:report_request": Row(anonymous=LOGIN, **NOT_ALLOWED),
    "maturity:report": replace(REPORT_READERS, kwargs="report"),
    "maturity:report_retry": Row(anonymous=LOGIN, kwargs="failed_report", **NOT_ALLOWED),
    "maturity:report_download": replace(REPORT_READERS, kwargs="report"),
    "maturity:report_archive": replace(REPORT_READERS, kwargs="report"),
    # maturity: the initiative picker's htmx answers, for the leaders' and administrators'
    # forms. The search names no object (another organisation's leader finds their own
    # initiatives, never these: the table checks that the page leaks no title); adding one
    # of this organisation's initiatives is a 404 there.
    "maturity:initiative_search": replace(LEADERS_ONLY, kwargs="picker"),
    "maturity:initiative_pick": replace(LEADERS_ONLY, kwargs="picker_initiative"),
    # The statements the law asks for: public pages (the default text, or the visitor's
    # organisation's); administrators edit their organisation's text.
    "accessibility_statement": PUBLIC,
    "privacy_statement": PUBLIC,
    "accessibility_statement_edit": ADMIN_ONLY,
    "privacy_statement_edit": ADMIN_ONLY,
    # Personal data: every member downloads their own (in their own organisation); only
    # administrators erase a former member, and another organisation's is 404 (the POST
    # is in tests/portal/test_privacy.py).
    "my_data": PAGE,
    "my_data_download": Row(anonymous=LOGIN, outsider=200, kwargs="export", **MEMBERS),
    "former_members": ADMIN_ONLY,
    "erase_member": replace(ADMIN_ONLY, kwargs="former_member"),
    # The organisation's people: administrators only; another organisation's unit, member
    # or invitation is 404 for its administrator too. Deactivating, reactivating, resending
    # and revoking are POST only.
    "organisation:units": ADMIN_ONLY,
    "organisation:unit_edit": replace(ADMIN_ONLY, kwargs="unit"),
    "organisation:members": ADMIN_ONLY,
    "organisation:member_edit": replace(ADMIN_ONLY, kwargs="membership"),
    "organisation:member_deactivate": Row(anonymous=LOGIN, kwargs="membership", **NOT_ALLOWED),
    "organisation:member_reactivate": Row(anonymous=LOGIN, kwargs="membership", **NOT_ALLOWED),
    "organisation:invitations": ADMIN_ONLY,
    "organisation:invitation_resend": Row(anonymous=LOGIN, kwargs="invitation", **NOT_ALLOWED),
    "organisation:invitation_revoke": Row(anonymous=LOGIN, kwargs="invitation", **NOT_ALLOWED),
    # The invitation link is public (the token is the key); anyone signed in sees it too.
    "invitation_accept": Row(
        anonymous=200,
        outsider=200,
        outsider_board=200,
        outsider_admin=200,
        operator=200,
        kwargs="token",
        **MEMBERS,
    ),
    # Every member may choose among their organisations; the operator has none (403).
    "organisation_choose": PAGE,
    # The operator's pages: the operator only, every member (administrators too) 403.
    "operator:organisations": Row(anonymous=LOGIN, operator=200, **OPERATOR_ONLY),
    "operator:organisation_create": Row(anonymous=LOGIN, operator=200, **OPERATOR_ONLY),
    "operator:organisation_edit": Row(
        anonymous=LOGIN, operator=200, kwargs="organisation", **OPERATOR_ONLY
    ),
}


def iter_url_names(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_url_names(pattern.url_patterns, prefix)
        else:
            yield f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>"


def test_every_url_pattern_is_in_the_access_table() -> None:
    names = set(iter_url_names())
    assert names - ACCESS_TABLE.keys() == set(), "add these URLs to ACCESS_TABLE"
    assert ACCESS_TABLE.keys() - names == set(), "these table rows name no URL"


def build_url(name: str, row: Row, idea: Idea) -> str:
    if row.kwargs in {"picker", "picker_initiative"}:  # an initiative to find or to add
        initiative = _initiative(idea)
        found = [initiative.pk] if row.kwargs == "picker_initiative" else []
        return reverse(name, args=["notable", *found])
    if row.kwargs in {"measure", "level", "period", "dimension", "criterion"}:
        return reverse(name, args=[model_object_pk(idea, row.kwargs)])
    if row.kwargs == "checklist_item":
        item = ChecklistItem.objects.filter(phase__organisation=idea.organisation).first()
        assert item is not None
        return reverse(name, args=[item.phase_id, item.pk])
    if row.kwargs in {"phase", "initiative"}:
        initiative = _initiative(idea)
        return reverse(name, args=[initiative.phase_id if row.kwargs == "phase" else initiative.pk])
    if row.kwargs in {"benefit", "indicator"}:
        indicator = _indicator(idea)
        pk = indicator.pk if row.kwargs == "indicator" else indicator.benefit_id
        return reverse(name, args=[pk])
    if row.kwargs == "draft":
        initiative = _initiative(idea)
        draft = save_status_report(
            initiative=initiative,
            actor=idea.submitter,
            publish=False,
            period_end=date(2026, 3, 31),
            summary="Et utkast",
            **ALL_GREEN,
        )
        return reverse(name, args=[initiative.pk, draft.pk])
    if row.kwargs in {"assessment", "assessment_dimension"}:
        assessment, _created = open_assessment(
            organisation=idea.organisation, actor=idea.submitter, year=2025
        )
        if row.kwargs == "assessment":
            return reverse(name, args=[assessment.year])
        dimension = MaturityDimension.objects.filter(organisation=idea.organisation).first()
        assert dimension is not None
        return reverse(name, args=[assessment.year, dimension.pk])
    if row.kwargs in {"report", "failed_report"}:
        return reverse(name, args=[strategy_report(idea, failed=row.kwargs == "failed_report").pk])
    if row.kwargs == "meeting":
        return reverse(name, args=[_meeting(idea).pk])
    if row.kwargs == "idea":
        return reverse(name, args=[idea.pk])
    if row.kwargs == "export":
        return reverse(name, args=["xlsx"])
    if row.kwargs == "attachment":
        return reverse(name, args=[idea.pk, idea.attachments.get().pk])
    if row.kwargs == "comment":
        comment = add_comment(idea=idea, author=idea.submitter, body="Godt forslag!")
        return reverse(name, args=[idea.pk, comment.pk])
    if row.kwargs in {"kpi", "kpi_year"}:  # maturity: the organisation's hand-entered KPI
        kpi = Kpi.objects.filter(organisation=idea.organisation, metric="").first()
        assert kpi is not None
        year = [timezone.localdate().year] if row.kwargs == "kpi_year" else []
        return reverse(name, args=[kpi.pk, *year])
    if row.kwargs == "former_member":
        former = add_member(organisation=idea.organisation, email="tidligere@nittedal.example")
        Membership.objects.filter(pk=former.pk).update(is_active=False)
        return reverse(name, args=[former.user_id])
    if row.kwargs in PEOPLE_OBJECTS:
        return reverse(name, args=[PEOPLE_OBJECTS[row.kwargs](idea)])
    if row.kwargs == "reset":
        return reverse(name, kwargs={"uidb36": "1", "key": "set-password"})
    if row.kwargs == "login_slug":
        return reverse(name, args=[idea.organisation.slug])
    if row.kwargs == "entra":
        app = configure_entra(
            organisation=idea.organisation,
            actor=None,
            enabled=True,
            tenant_id="3f2a9c1e-7b44-4c1d-9e0a-5d6b7c8d9e01",
            client_id="access-table",
            authority="http://127.0.0.1:9/",  # never reached: no login is started
        )
        assert app is not None
        return reverse(name, args=[app.provider_id])
    return reverse(name)


def _invitation(idea: Idea) -> Invitation:
    existing = Invitation.objects.filter(organisation=idea.organisation).first()
    if existing:
        return existing
    rows = read_rows(organisation=idea.organisation, text="ny@nittedal.example")
    return invite(organisation=idea.organisation, actor=None, rows=rows)[0]


PEOPLE_OBJECTS: dict[str, Callable[[Idea], object]] = {
    "unit": lambda idea: idea.unit_id,
    # Alice's in Nittedal; in another organisation, its first staff member's.
    "membership": lambda idea: (
        Membership.objects.filter(organisation=idea.organisation, role=Role.STAFF)
        .order_by(Case(When(user__email="alice@nittedal.example", then=0), default=1), "pk")
        .values_list("pk", flat=True)
        .first()
    ),
    "invitation": lambda idea: _invitation(idea).pk,
    "token": lambda idea: make_token(_invitation(idea)),
    "organisation": lambda idea: idea.organisation_id,
}


def _meeting(idea: Idea) -> Meeting:
    """An open board meeting of the idea's organisation (once per test)."""
    existing = Meeting.objects.filter(organisation=idea.organisation).first()
    if existing:
        return existing
    return create_meeting(
        organisation=idea.organisation,
        actor=idea.submitter,
        held_on=date(2026, 3, 5),
        participants=[],
    )


def _initiative(idea: Idea) -> Initiative:
    """A second idea of the organisation, accepted onto the board (once per test)."""
    existing = Initiative.objects.filter(organisation=idea.organisation).first()
    if existing:
        return existing
    phase = Phase.objects.filter(organisation=idea.organisation, kind=PhaseKind.ACTIVE).first()
    assert phase is not None
    assert idea.innovation_type is not None and idea.unit is not None
    other = submit_idea(
        organisation=idea.organisation,
        submitter=idea.submitter,
        title="Tavlekort",
        question="Hvordan kan vi prøve tavla?",
        need="Et kort på tavla.",
        innovation_type=idea.innovation_type,
        unit=idea.unit,
        notify_board=False,
    )
    return accept_idea(
        idea=other, actor=idea.submitter, phase=phase, owner=None, role=MunicipalRole.CONTRIBUTOR
    )


def _indicator(idea: Idea) -> Indicator:
    """A benefit of the initiative, nobody's, with one indicator (once per test)."""
    existing = Indicator.objects.filter(benefit__organisation=idea.organisation).first()
    if existing:
        return existing
    benefit = add_benefit(
        initiative=_initiative(idea),
        actor=idea.submitter,
        description="Frigjort tid",
        kind=BenefitKind.INDIRECT,
        expected_hours=Decimal("100"),
    )
    return add_indicator(
        benefit=benefit,
        actor=idea.submitter,
        name="Timer per uke",
        unit=MeasureUnit.HOURS,
        baseline=Decimal(10),
        target=Decimal(5),
    )


@pytest.fixture
def users(
    alice: User,
    bob: User,
    leader: User,
    admin: User,
    charlie: User,
    other_board_member: User,
    other_admin: User,
    operator: User,
) -> dict[str, User]:
    return {
        "operator": operator,
        "staff": alice,
        "board": bob,
        "leader": leader,
        "admin": admin,
        "outsider": charlie,
        "outsider_board": other_board_member,
        "outsider_admin": other_admin,
    }


@pytest.fixture
def attachment(idea: Idea, settings: Settings, tmp_path: Path) -> Attachment:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n")
    return add_attachment(idea=idea, uploaded_by=idea.submitter, upload=upload)


@pytest.mark.usefixtures("attachment")
@pytest.mark.parametrize("name", sorted(ACCESS_TABLE))
def test_access_table(
    name: str,
    users: dict[str, User],
    idea: Idea,
    client_for: Callable[[User | None], Client],
) -> None:
    row = ACCESS_TABLE[name]
    url = build_url(name, row, idea)
    secrets = _secrets(idea)
    results = {}
    for role in ROLES:
        response = client_for(users.get(role)).get(url)
        expected = row.expected(role)
        ok = _answered(response, expected)
        if ok and role.startswith("outsider") and response.status_code == 200:
            ok = not _leaked(response, secrets)
            expected = f"{expected} without {sorted(secrets)}"
        results[role] = (response.status_code, expected, ok)
    failures = {role: r[:2] for role, r in results.items() if not r[2]}
    assert not failures, f"{name} {url}: role -> (got, expected): {failures}"


def _answered(response: TestResponse, expected: int | str) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response["Location"].startswith(
            reverse("account_login")
        )
    return response.status_code == expected


def _secrets(idea: Idea) -> set[str]:
    """Titles of this organisation's ideas (an initiative's too): no outsider may see one."""
    return set(Idea.objects.filter(organisation=idea.organisation).values_list("title", flat=True))


def _leaked(response: TestResponse, secrets: set[str]) -> bool:
    body = response.getvalue()  # streamed responses (exports, downloads) too
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(body)).active
        assert sheet is not None
        text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    else:
        text = body.decode(errors="replace")
    return any(secret in text for secret in secrets)


def test_member_without_organisation_is_refused(
    db: None, client_for: Callable[[User | None], Client]
) -> None:
    loner = User.objects.create_user("loner@example.org", "pw")
    assert client_for(loner).get(reverse("home")).status_code == 403


# POST-only URLs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A POST-only URL: who may post (a 2xx/3xx that is not an error), a role of the same
    organisation that may not (403), and what the same role of another organisation gets
    (404 on this organisation's objects; a URL that names no object acts on their own
    organisation, so there the outsider is one whose role is refused)."""

    allowed: str
    refused: str | None
    kwargs: str
    data: Callable[[Idea], dict[str, object]] = lambda idea: {}
    succeeds: int = 302


def _item_data(idea: Idea) -> dict[str, object]:
    item = ChecklistItem.objects.filter(phase__organisation=idea.organisation).first()
    assert item is not None
    return {f"punkt-{item.pk}-text": "Endret sjekkpunkt"}


def _upload(idea: Idea) -> dict[str, object]:
    return {"file": SimpleUploadedFile("notat.pdf", b"%PDF-1.4\n%%EOF\n")}


POST_TABLE: dict[str, Post] = {
    "portfolio:phase_create": Post(
        "admin", "board", "", lambda idea: {"name": "Ny fase", "kind": "active"}
    ),
    "portfolio:phase_move": Post("admin", "board", "phase", lambda idea: {"retning": "ned"}),
    "portfolio:checklist_add": Post(
        "admin", "board", "phase", lambda idea: {"nytt-text": "Nytt sjekkpunkt"}
    ),
    "portfolio:checklist_edit": Post("admin", "board", "checklist_item", _item_data),
    "portfolio:checklist_move": Post(
        "admin", "board", "checklist_item", lambda idea: {"retning": "ned"}
    ),
    "portfolio:checklist_remove": Post("admin", "board", "checklist_item"),
    "portfolio:phase_template": Post("admin", "board", "", lambda idea: {"template": "digdir"}),
    "portfolio:meeting_close": Post("board", "staff", "meeting"),
    "ideas:comment_add": Post("board", None, "idea", lambda idea: {"body": "Godt forslag!"}),
    "ideas:comment_delete": Post("staff", "board", "comment"),  # only the author
    "ideas:support": Post("leader", None, "idea", lambda idea: {"valgt": "ja"}),
    "ideas:follow": Post("board", None, "idea", lambda idea: {"valgt": "ja"}),
    # The submitter adds while they may edit, the board always; a leader may not.
    "ideas:attachment_add": Post("staff", "leader", "idea", _upload),
    # The uploader (the submitter here) or the board deletes; a leader may not.
    "ideas:attachment_delete": Post("board", "leader", "attachment"),
    "ideas:withdraw": Post("staff", "board", "idea", lambda idea: {"versjon": idea.version}),
    # maturity: the model and the measures (an administrator of another organisation: 404).
    "maturity:dimension_move": Post("admin", "board", "dimension", lambda idea: {"retning": "ned"}),
    "maturity:criterion_create": Post("admin", "board", "dimension", new_criterion),
    "maturity:measure_note": Post(
        "admin",
        "board",
        "measure",
        lambda idea: {"text": "Godt i gang", "status": "in_progress", "versjon": "1"},
    ),
    "maturity:report_request": Post("leader", "board", "", lambda idea: {"year": "2025"}),
    "maturity:report_retry": Post("admin", "board", "failed_report"),
    "organisation:member_deactivate": Post("admin", "board", "membership"),
    "organisation:member_reactivate": Post("admin", "board", "membership"),
    "organisation:invitation_resend": Post("admin", "leader", "invitation"),
    "organisation:invitation_revoke": Post("admin", "staff", "invitation"),
}


def test_every_post_only_url_is_in_the_post_table() -> None:
    post_only = {
        name
        for name, row in ACCESS_TABLE.items()
        if row.staff == METHOD_NOT_ALLOWED or row.board == METHOD_NOT_ALLOWED
    }
    assert post_only == POST_TABLE.keys()


@pytest.mark.usefixtures("attachment")
@pytest.mark.parametrize("name", sorted(POST_TABLE))
def test_post_table(
    name: str,
    users: dict[str, User],
    idea: Idea,
    client_for: Callable[[User | None], Client],
) -> None:
    post = POST_TABLE[name]
    url = build_url(name, ACCESS_TABLE[name], idea)
    if post.kwargs:
        outsider = f"outsider_{post.allowed}" if post.allowed in {"board", "admin"} else "outsider"
        outsider_expected: int | str = 404
    else:
        outsider = "outsider" if post.refused == "staff" else f"outsider_{post.refused}"
        outsider_expected = 403
    # Refusals first: the allowed POST may delete what the URL names.
    checks: list[tuple[str, int | str]] = [
        ("anonymous", LOGIN),
        (outsider, outsider_expected),
        ("operator", 403),
    ]
    if post.refused:
        checks.append((post.refused, 403))
    results = {}
    for role, expected in checks:
        response = client_for(users.get(role)).post(url, post.data(idea))  # a fresh upload each
        results[role] = (response.status_code, expected, _answered(response, expected))
    response = client_for(users[post.allowed]).post(url, post.data(idea))
    results[post.allowed] = (
        response.status_code,
        post.succeeds,
        response.status_code == post.succeeds and not _refused(response),
    )
    failures = {role: r[:2] for role, r in results.items() if not r[2]}
    assert not failures, f"POST {name} {url}: role -> (got, expected): {failures}"


def _refused(response: TestResponse) -> bool:
    """A redirect to the login page, or one that carries an error message («allerede
    avsluttet», «kan ikke fjernes»): the action was not done."""
    if response.get("Location", "").startswith(reverse("account_login")):
        return True
    request = response.wsgi_request
    return any(message.level == messages.ERROR for message in messages.get_messages(request))


# Organisation isolation of the board's inbox -----------------------------------------------


@pytest.fixture
def lunner_ideas(other_organisation: Organisation, other_board_member: User) -> list[Idea]:
    """Three ideas waiting for Lunner's board, one of them parked and due again."""
    unit = Unit.objects.create(organisation=other_organisation, name="Lunner helse")
    kind = InnovationType.objects.filter(organisation=other_organisation).first()
    assert kind is not None
    ideas = [
        submit_idea(
            organisation=other_organisation,
            submitter=other_board_member,
            title=f"Lunner-idé {n}",
            question="Hvordan kan vi gjøre det bedre i Lunner?",
            need="Et behov i Lunner.",
            innovation_type=kind,
            unit=unit,
            notify_board=False,
        )
        for n in (1, 2, 3)
    ]
    park_idea(idea=ideas[2], actor=other_board_member, revisit_on=date(2020, 1, 1))
    return ideas


def _text(response: TestResponse) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_another_organisations_ideas_never_reach_the_inbox_its_count_or_an_agenda(
    idea: Idea,
    lunner_ideas: list[Idea],
    bob: User,
    meeting: Meeting,
    client_for: Callable[[User | None], Client],
) -> None:
    board = client_for(bob)
    inbox = _text(board.get(reverse("portfolio:triage")))
    assert idea.title in inbox
    assert "1 idé venter på behandling." in inbox  # the inbox's own count
    home = _text(board.get(reverse("home")))
    assert "1 idé venter på vurdering." in home  # the home page's count
    agenda = _text(board.get(reverse("portfolio:meeting", args=[meeting.pk])))
    assert idea.title in agenda
    for page in (inbox, home, agenda):
        assert not [i.title for i in lunner_ideas if i.title in page]
    fragment = _text(board.get(reverse("portfolio:triage"), HTTP_HX_REQUEST="true"))
    assert "Lunner-idé" not in fragment


def test_the_other_organisations_board_sees_only_its_own_inbox(
    idea: Idea,
    lunner_ideas: list[Idea],
    other_board_member: User,
    client_for: Callable[[User | None], Client],
) -> None:
    board = client_for(other_board_member)
    inbox = _text(board.get(reverse("portfolio:triage")))
    assert "3 idéer venter på behandling." in inbox
    assert idea.title not in inbox
    # (The home page's count is not compared here: until it reads the board's inbox, it
    # leaves out parked ideas that are due again.)
    assert idea.title not in _text(board.get(reverse("home")))
