"""Comments, support («Jeg støtter dette») and following: services, events and views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas.models import Comment, Follow, Idea, IdeaStatus, Support
from ideas.services import (
    add_comment,
    delete_comment,
    edit_comment,
    follow_idea,
    support_idea,
    unfollow_idea,
    unsupport_idea,
)
from portal.models import DomainEvent, User

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def events(idea: Idea, action: str) -> list[DomainEvent]:
    return list(
        DomainEvent.objects.filter(subject_type="ideas.idea", subject_id=idea.pk, action=action)
    )


def as_draft(idea: Idea) -> Idea:
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.DRAFT)
    idea.refresh_from_db()
    return idea


# Services


def test_submitter_follows_their_idea_automatically(idea: Idea, alice: User) -> None:
    assert Follow.objects.filter(idea=idea, user=alice).exists()


def test_comment_is_counted_and_recorded_on_the_idea(idea: Idea, bob: User) -> None:
    comment = add_comment(idea=idea, author=bob, body="Godt forslag!")
    assert idea.comment_count == 1
    assert Idea.objects.get(pk=idea.pk).comment_count == 1
    [event] = events(idea, "comment.added")
    assert event.actor == bob
    assert event.subject_type == "ideas.idea"
    assert event.after == {"comment": comment.pk, "body": "Godt forslag!"}


def test_author_edits_their_comment_and_the_event_keeps_both_texts(idea: Idea, bob: User) -> None:
    comment = add_comment(idea=idea, author=bob, body="Førsteutkast")
    edited = edit_comment(comment=comment, editor=bob, body="Bedre tekst")
    assert edited.body == "Bedre tekst"
    assert edited.edited_at is not None
    [event] = events(idea, "comment.edited")
    assert event.before == {"comment": comment.pk, "body": "Førsteutkast"}
    assert event.after == {"comment": comment.pk, "body": "Bedre tekst"}


def test_nobody_else_edits_or_deletes_a_comment(idea: Idea, alice: User, bob: User) -> None:
    comment = add_comment(idea=idea, author=bob, body="Mitt innspill")
    with pytest.raises(PermissionDenied):
        edit_comment(comment=comment, editor=alice, body="Endret av en annen")
    with pytest.raises(PermissionDenied):
        delete_comment(comment=comment, actor=alice)
    comment.refresh_from_db()
    assert comment.body == "Mitt innspill"
    assert comment.deleted_at is None


def test_deleting_blanks_the_comment_but_keeps_its_place(idea: Idea, bob: User) -> None:
    comment = add_comment(idea=idea, author=bob, body="Angrer på dette")
    delete_comment(comment=comment, actor=bob)
    delete_comment(comment=comment, actor=bob)  # a second delete changes nothing
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    assert comment.body == ""
    assert Idea.objects.get(pk=idea.pk).comment_count == 0
    [event] = events(idea, "comment.deleted")
    assert event.before == {"comment": comment.pk, "body": "Angrer på dette"}
    assert event.after == {"comment": comment.pk, "body": ""}


def test_support_counts_once_per_person(idea: Idea, alice: User, bob: User) -> None:
    assert support_idea(idea=idea, user=bob) is True
    assert support_idea(idea=idea, user=bob) is False
    assert support_idea(idea=idea, user=alice) is True
    assert idea.support_count == 2
    assert Support.objects.filter(idea=idea).count() == 2
    assert len(events(idea, "idea.supported")) == 2
    assert unsupport_idea(idea=idea, user=bob) is True
    assert unsupport_idea(idea=idea, user=bob) is False
    assert Idea.objects.get(pk=idea.pk).support_count == 1
    assert len(events(idea, "idea.unsupported")) == 1


def test_following_is_idempotent_and_recorded(idea: Idea, bob: User) -> None:
    assert follow_idea(idea=idea, user=bob) is True
    assert follow_idea(idea=idea, user=bob) is False
    assert unfollow_idea(idea=idea, user=bob) is True
    assert unfollow_idea(idea=idea, user=bob) is False
    assert not Follow.objects.filter(idea=idea, user=bob).exists()
    assert len(events(idea, "idea.followed")) == 1
    assert len(events(idea, "idea.unfollowed")) == 1


def test_drafts_cannot_be_commented_on_or_supported(idea: Idea, alice: User) -> None:
    draft = as_draft(idea)
    with pytest.raises(PermissionDenied):
        add_comment(idea=draft, author=alice, body="Notat til meg selv")
    with pytest.raises(PermissionDenied):
        support_idea(idea=draft, user=alice)
    assert not Comment.objects.exists()
    assert Idea.objects.get(pk=idea.pk).support_count == 0


# Views: comments


def test_plain_comment_post_redirects_back_to_the_thread(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(bob)
    response = client.post(reverse("ideas:comment_add", args=[idea.pk]), {"body": "Flott!"})
    assert response.status_code == 302
    assert response["Location"] == f"{idea.get_absolute_url()}#comments"
    page = client.get(response["Location"]).content.decode()
    assert "Flott!" in page
    assert "Kommentaren er publisert." in page
    assert "Bob skrev en kommentar." in page  # the history


def test_htmx_comment_post_returns_the_thread_fragment(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("ideas:comment_add", args=[idea.pk])
    response = client_for(bob).post(url, {"body": "Flott!"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="comments"')
    assert "<html" not in html
    assert "Flott!" in html
    assert "Kommentarer (1)" in html


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Skriv en kommentar før du publiserer."),
        ("x" * 4001, "Kommentaren kan ha høyst 4000 tegn (den har nå 4001)."),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_comment_gets_a_field_message_and_keeps_the_text(
    body: str,
    message: str,
    htmx: bool,
    idea: Idea,
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    url = reverse("ideas:comment_add", args=[idea.pk])
    response = client_for(bob).post(url, {"body": body}, **(HX if htmx else {}))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'id="id_body_error"' in html
    assert 'aria-invalid="true"' in html
    assert ("<html" in html) is not htmx
    if body.strip():
        assert body in html
    assert not Comment.objects.exists()


def test_hostile_comment_is_escaped_and_links_are_clickable(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(bob)
    hostile = '<script>alert("x")</script> Se https://www.ks.no/innovasjon og <b>dette</b>'
    client.post(reverse("ideas:comment_add", args=[idea.pk]), {"body": hostile})
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;dette&lt;/b&gt;" in html
    assert '<a href="https://www.ks.no/innovasjon" rel="nofollow">' in html


def test_line_breaks_in_a_comment_are_kept(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    add_comment(idea=idea, author=bob, body="Første linje\nAndre linje")
    html = client_for(bob).get(idea.get_absolute_url()).content.decode()
    assert "Første linje<br>Andre linje" in html


def test_edit_form_is_a_page_without_htmx_and_a_fragment_with_it(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    comment = add_comment(idea=idea, author=bob, body="Skal endres")
    url = reverse("ideas:comment_edit", args=[idea.pk, comment.pk])
    client = client_for(bob)
    page = client.get(url).content.decode()
    fragment = client.get(url, **HX).content.decode()
    assert "<html" in page and "Endre kommentaren" in page
    assert "hx-post" not in page.split('class="form-page"')[1]  # a plain form on the page
    assert fragment.lstrip().startswith('<section id="comments"')
    for html in (page, fragment):
        assert 'name="edit-body"' in html
        assert "Skal endres</textarea>" in html
        assert "autofocus" in html


@pytest.mark.parametrize("htmx", [True, False])
def test_author_saves_an_edit(
    htmx: bool, idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    comment = add_comment(idea=idea, author=bob, body="Skal endres")
    url = reverse("ideas:comment_edit", args=[idea.pk, comment.pk])
    response = client_for(bob).post(url, {"edit-body": "Er endret"}, **(HX if htmx else {}))
    comment.refresh_from_db()
    assert comment.body == "Er endret"
    if htmx:
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="comments"')
        assert "Er endret" in html and "(endret)" in html
    else:
        assert response.status_code == 302
        assert response["Location"] == f"{idea.get_absolute_url()}#comment-{comment.pk}"


def test_empty_edit_gets_a_field_message(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    comment = add_comment(idea=idea, author=bob, body="Skal endres")
    url = reverse("ideas:comment_edit", args=[idea.pk, comment.pk])
    html = client_for(bob).post(url, {"edit-body": ""}).content.decode()
    assert "Skriv en kommentar før du publiserer." in html
    assert 'id="id_edit-body_error"' in html
    comment.refresh_from_db()
    assert comment.body == "Skal endres"


@pytest.mark.parametrize("htmx", [True, False])
def test_author_deletes_a_comment_and_the_thread_says_so(
    htmx: bool, idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    comment = add_comment(idea=idea, author=bob, body="Angrer")
    client = client_for(bob)
    url = reverse("ideas:comment_delete", args=[idea.pk, comment.pk])
    response = client.post(url, **(HX if htmx else {}))
    if htmx:
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="comments"')
    else:
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
    assert "Kommentaren er slettet." in html
    assert "Angrer" not in html
    assert "Kommentarer (0)" in html


@pytest.mark.parametrize("method", ["get_edit", "post_edit", "post_delete"])
def test_someone_elses_comment_is_403(
    method: str,
    idea: Idea,
    alice: User,
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    comment = add_comment(idea=idea, author=alice, body="Alices kommentar")
    client = client_for(bob)
    edit = reverse("ideas:comment_edit", args=[idea.pk, comment.pk])
    delete = reverse("ideas:comment_delete", args=[idea.pk, comment.pk])
    response = {
        "get_edit": lambda: client.get(edit),
        "post_edit": lambda: client.post(edit, {"edit-body": "Kapret"}),
        "post_delete": lambda: client.post(delete),
    }[method]()
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Alices kommentar"
    assert comment.deleted_at is None


def test_deleted_comment_cannot_be_edited(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    comment = add_comment(idea=idea, author=bob, body="Borte")
    delete_comment(comment=comment, actor=bob)
    url = reverse("ideas:comment_edit", args=[idea.pk, comment.pk])
    assert client_for(bob).post(url, {"edit-body": "Tilbake"}).status_code == 404


def test_comment_of_another_idea_is_404(
    make_idea: Callable[..., Idea], bob: User, client_for: Callable[[User | None], Client]
) -> None:
    first, second = make_idea(), make_idea(title="En annen idé")
    comment = add_comment(idea=first, author=bob, body="Hører til den første")
    url = reverse("ideas:comment_edit", args=[second.pk, comment.pk])
    assert client_for(bob).get(url).status_code == 404


# Views: support and follow


def test_htmx_support_returns_the_pressed_button(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("ideas:support", args=[idea.pk])
    client = client_for(bob)
    html = client.post(url, {"valgt": "ja"}, **HX).content.decode()
    assert html.lstrip().startswith('<div id="collaboration"')
    assert 'aria-pressed="true"' in html
    assert "Du støtter dette (1)" in html
    assert 'name="valgt" value="nei"' in html  # the next press takes the support back
    html = client.post(url, {"valgt": "nei"}, **HX).content.decode()
    assert "Jeg støtter dette" in html
    assert 'id="support-button"' in html
    assert Idea.objects.get(pk=idea.pk).support_count == 0


def test_plain_support_redirects_and_a_repeated_post_counts_once(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(bob)
    url = reverse("ideas:support", args=[idea.pk])
    first = client.post(url, {"valgt": "ja"})
    client.post(url, {"valgt": "ja"})  # a double submit or a replayed form
    assert first.status_code == 302
    assert first["Location"] == idea.get_absolute_url()
    assert Idea.objects.get(pk=idea.pk).support_count == 1
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Du støtter dette (1)" in page
    assert "Du støtter idéen." in page
    assert "Bob støttet idéen." in page


def test_follow_toggle_is_a_fragment_with_htmx_and_a_redirect_without(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(bob)
    url = reverse("ideas:follow", args=[idea.pk])
    html = client.post(url, {"valgt": "ja"}, **HX).content.decode()
    assert html.lstrip().startswith('<div id="collaboration"')
    assert "Du følger idéen" in html
    assert 'id="follow-button"' in html and 'aria-pressed="true"' in html
    response = client.post(url, {"valgt": "nei"})
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    assert not Follow.objects.filter(idea=idea, user=bob).exists()


def test_submitter_sees_that_they_follow_their_idea(
    idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(alice).get(idea.get_absolute_url()).content.decode()
    assert "Du følger idéen" in html
    assert 'aria-pressed="false"' in html  # not supporting yet


@pytest.mark.parametrize("name", ["ideas:support", "ideas:follow"])
def test_toggle_without_a_wanted_state_is_refused(
    name: str, idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    assert client_for(bob).post(reverse(name, args=[idea.pk])).status_code == 400


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ideas:comment_add", {"body": "Hei fra Lunner"}),
        ("ideas:support", {"valgt": "ja"}),
        ("ideas:follow", {"valgt": "ja"}),
    ],
)
def test_outsider_gets_404_for_collaboration(
    name: str,
    data: dict[str, str],
    idea: Idea,
    charlie: User,
    client_for: Callable[[User | None], Client],
) -> None:
    response = client_for(charlie).post(reverse(name, args=[idea.pk]), data)
    assert response.status_code == 404
    assert not Comment.objects.exists()
    assert not Support.objects.exists()
    assert not Follow.objects.filter(user=charlie).exists()


def test_outsider_gets_404_for_a_comment(
    idea: Idea, alice: User, charlie: User, client_for: Callable[[User | None], Client]
) -> None:
    comment = add_comment(idea=idea, author=alice, body="Intern")
    client = client_for(charlie)
    assert client.get(reverse("ideas:comment_edit", args=[idea.pk, comment.pk])).status_code == 404
    delete = reverse("ideas:comment_delete", args=[idea.pk, comment.pk])
    assert client.post(delete).status_code == 404


@pytest.mark.parametrize("name", ["ideas:comment_add", "ideas:support", "ideas:follow"])
def test_other_peoples_drafts_are_404(
    name: str, idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    as_draft(idea)
    response = client_for(bob).post(reverse(name, args=[idea.pk]), {"body": "x", "valgt": "ja"})
    assert response.status_code == 404


def test_own_draft_has_no_comments_or_support(
    idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    as_draft(idea)
    client = client_for(alice)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert 'id="comments"' not in html and 'id="collaboration"' not in html
    url = reverse("ideas:support", args=[idea.pk])
    assert client.post(url, {"valgt": "ja"}).status_code == 403


def test_detail_query_count_does_not_grow_with_comments(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(bob)
    client.get(idea.get_absolute_url())  # warm up (session, caches)
    with CaptureQueriesContext(connection) as few:
        client.get(idea.get_absolute_url())
    for n in range(20):
        comment = add_comment(idea=idea, author=bob, body=f"Kommentar {n}")
        if n % 5 == 0:
            edit_comment(comment=comment, editor=bob, body=f"Endret {n}")
        support_idea(idea=idea, user=bob)
    with CaptureQueriesContext(connection) as many:
        html = client.get(idea.get_absolute_url()).content.decode()
    assert "Kommentar 19" in html
    assert len(many) == len(few)
