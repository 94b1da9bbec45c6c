"""One access table for every URL: role × URL → expected status.

Anonymous users are sent to the login page, other organisations' objects are 404 (not 403,
which would confirm they exist), and a wrong role is 403. A URL pattern that is missing
from the table fails `test_every_url_pattern_is_in_the_access_table`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pytest_django import Settings

from ideas.models import Attachment, Idea
from ideas.services import add_attachment, add_comment, submit_idea
from portal.models import User
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
)
from portfolio.services.benefits import add_benefit, add_indicator
from portfolio.services.meetings import create_meeting
from portfolio.services.status import save_status_report
from portfolio.services.triage import accept_idea

LOGIN = "login"  # a redirect to the login page
ROLES = ("anonymous", "staff", "board", "leader", "admin", "outsider")


@dataclass(frozen=True)
class Row:
    anonymous: int | str
    staff: int | str
    board: int | str
    leader: int | str
    admin: int | str
    outsider: int | str
    kwargs: str = ""  # which object the URL names: "" or "idea"


MEMBERS: dict[str, Any] = {"staff": 200, "board": 200, "leader": 200, "admin": 200}
PAGE = Row(anonymous=LOGIN, outsider=200, **MEMBERS)
OBJECT = Row(anonymous=LOGIN, outsider=404, kwargs="idea", **MEMBERS)
BOARD_ONLY = Row(anonymous=LOGIN, staff=403, board=200, leader=403, admin=200, outsider=403)
PUBLIC = Row(anonymous=200, outsider=200, **MEMBERS)
AUTH_ONLY_PAGE = Row(anonymous=LOGIN, outsider=200, **MEMBERS)
REDIRECT_WHEN_LOGGED_IN = Row(
    anonymous=200, staff=302, board=302, leader=302, admin=302, outsider=302
)
METHOD_NOT_ALLOWED = 405  # a GET on a POST-only URL
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
LIGHTS: dict[str, Any] = dict.fromkeys(
    ("progress", "economy", "quality", "risk", "benefits"), "green"
)
NOT_ALLOWED: dict[str, Any] = {role: METHOD_NOT_ALLOWED for role in ROLES if role != "anonymous"}
BENEFIT_EDITORS = Row(anonymous=LOGIN, staff=403, board=200, leader=403, admin=200, outsider=404)

ACCESS_TABLE: dict[str, Row] = {
    # Phases and portfolio settings: administrators only, the board too gets 403; a GET on
    # the POST-only URLs is 405 before any check. Another organisation's phase: 404 (see
    # tests/portfolio/test_settings.py, an outsider here is staff and stops at the role).
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
    # Another organisation's idea or meeting is 404 (tests/portfolio/test_triage.py and
    # test_meetings.py: an outsider here is staff and stops at the role).
    "portfolio:triage": BOARD_ONLY,
    "portfolio:triage_idea": replace(BOARD_ONLY, kwargs="idea"),
    "portfolio:meetings": BOARD_ONLY,
    "portfolio:meeting_create": BOARD_ONLY,
    "portfolio:meeting": replace(BOARD_ONLY, kwargs="meeting"),
    "portfolio:meeting_close": replace(Row(anonymous=LOGIN, **NOT_ALLOWED), kwargs="meeting"),
    "portfolio:meeting_minutes": replace(BOARD_ONLY, kwargs="meeting"),
    "portfolio:meeting_minutes_pdf": replace(BOARD_ONLY, kwargs="meeting"),
    # Flow figures: the board, leaders and administrators; staff (and outsiders, staff
    # elsewhere) 403.
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
        anonymous=LOGIN, staff=200, board=403, leader=403, admin=403, outsider=404, kwargs="comment"
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
    "account_change_password": AUTH_ONLY_PAGE,
    # Everyone here has a password already, so allauth sends them to «change password».
    "account_set_password": Row(
        anonymous=LOGIN, staff=302, board=302, leader=302, admin=302, outsider=302
    ),
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": Row(anonymous=200, outsider=200, kwargs="reset", **MEMBERS),
    "account_reset_password_from_key_done": PUBLIC,
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
            **LIGHTS,
        )
        return reverse(name, args=[initiative.pk, draft.pk])
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
    if row.kwargs == "reset":
        return reverse(name, kwargs={"uidb36": "1", "key": "set-password"})
    return reverse(name)


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
    assert idea.innovation_type is not None and idea.unit is not None  # a submitted idea's
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
def users(alice: User, bob: User, leader: User, admin: User, charlie: User) -> dict[str, User]:
    return {"staff": alice, "board": bob, "leader": leader, "admin": admin, "outsider": charlie}


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
    results = {}
    for role in ROLES:
        response = client_for(users.get(role)).get(url)
        expected = getattr(row, role)
        if expected == LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith(
                reverse("account_login")
            )
        else:
            ok = response.status_code == expected
        results[role] = (response.status_code, expected, ok)
    failures = {role: r[:2] for role, r in results.items() if not r[2]}
    assert not failures, f"{name} {url}: role -> (got, expected): {failures}"


def test_member_without_organisation_is_refused(
    db: None, client_for: Callable[[User | None], Client]
) -> None:
    loner = User.objects.create_user("loner@example.org", "pw")
    assert client_for(loner).get(reverse("home")).status_code == 403
