"""Idea screens: submit, draft, edit, withdraw, list, search, export, detail, collaboration
and attachments. The board's inbox is portfolio's (portfolio/views/triage.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas import exports, permissions, search, selectors, services
from ideas.forms import AttachmentForm, CommentForm, IdeaFilterForm, IdeaForm
from ideas.models import Comment, Idea, IdeaQuerySet, IdeaStatus, ValueType
from portal.concurrency import StaleVersion, VersionForm
from portal.events import history_for, last_actor
from portal.http import HtmxRequest
from portal.models import Role
from portal.pagination import CappedPaginator
from portal.params import parse_id

PAGE_SIZE = 25
EXPORT_FORMATS = {"csv", "xlsx"}


def _render_list(
    request: HtmxRequest, template: str, ideas: IdeaQuerySet, **context: object
) -> HttpResponse:
    searching = bool(request.GET.get("q", "").strip())
    cards = selectors.idea_cards(ideas)
    paginator = (CappedPaginator if searching else Paginator)(cards, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("side"))
    page.object_list = list(page.object_list)
    selectors.prepare_cards(page.object_list)
    if request.htmx:
        template = f"{template}#idea-list"
    return render(request, template, {"page": page, **context})


def _filtered(request: HtmxRequest, **forced: str) -> tuple[IdeaFilterForm, IdeaQuerySet]:
    data = request.GET.copy()
    for key, value in forced.items():
        data[key] = value
    form = IdeaFilterForm(data, organisation=request.organisation)
    ideas = selectors.filtered_ideas(
        organisation=request.organisation, user=request.user, filters=form.filters()
    )
    return form, ideas


@require_GET
def idea_list(request: HtmxRequest) -> HttpResponse:
    form, ideas = _filtered(request)
    heading = _("Mine idéer") if form.cleaned_data.get("mine") else _("Alle idéer")
    return _render_list(request, "ideas/idea_list.html", ideas, heading=heading, filter_form=form)


@require_GET
def my_ideas(request: HtmxRequest) -> HttpResponse:
    form, ideas = _filtered(request, mine="on")
    return _render_list(
        request, "ideas/idea_list.html", ideas, heading=_("Mine idéer"), mine=True, filter_form=form
    )


@require_GET
def idea_export(request: HtmxRequest, fmt: str) -> HttpResponseBase:
    """The filtered list as CSV or Excel; the same filters as the list page."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _form, ideas = _filtered(request)
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            exports.csv_lines(ideas), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.xlsx_bytes(ideas),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    filename = exports.export_filename(fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def similar_ideas(request: HtmxRequest) -> HttpResponse:
    """Up to five similar ideas while a new one is typed (htmx, debounced on the form)."""
    text = f"{request.GET.get('title', '')} {request.GET.get('question', '')}"
    ideas = selectors.idea_list(organisation=request.organisation)
    exclude = parse_id(request.GET.get("unntatt"))
    if exclude is not None:
        ideas = ideas.exclude(pk=exclude)
    similar = list(search.similar_ideas(ideas, text))
    template = "ideas/idea_similar.html"
    if request.htmx:
        template += "#similar-ideas"
    return render(request, template, {"similar": similar, "searched": bool(text.strip())})


def _form_response(
    request: HtmxRequest, form: IdeaForm, idea: Idea | None = None, *, status: int = 200
) -> HttpResponse:
    return render(request, "ideas/idea_form.html", {"form": form, "idea": idea}, status=status)


@require_http_methods(["GET", "POST"])
def idea_create(request: HtmxRequest) -> HttpResponse:
    is_draft = request.POST.get("handling") == "utkast"
    form = IdeaForm(request.POST or None, organisation=request.organisation, draft=is_draft)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if is_draft:
            idea = services.save_draft(
                organisation=request.organisation, submitter=request.user, **fields
            )
            _saved(
                request, "idea-new", _("Utkastet er lagret. Bare du ser det til du sender det inn.")
            )
            return redirect("ideas:edit", pk=idea.pk)
        idea = services.submit_idea(
            organisation=request.organisation, submitter=request.user, **fields
        )
        _saved(request, "idea-new", _("Takk! Idéen er sendt inn og venter på porteføljestyret."))
        return redirect(idea)
    return _form_response(request, form)


@require_http_methods(["GET", "POST"])
def idea_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    idea = selectors.visible_idea(organisation=request.organisation, user=request.user, pk=pk)
    if not idea.is_editable_by(request.user, is_board=request.membership.has_role(Role.BOARD)):
        raise PermissionDenied
    action = request.POST.get("handling", "")
    is_draft = idea.status == IdeaStatus.DRAFT and action != "send"
    form = IdeaForm(
        request.POST or None, instance=idea, organisation=request.organisation, draft=is_draft
    )
    if request.method != "POST" or not form.is_valid():
        return _form_response(request, form, idea)
    version = form.cleaned_data["versjon"]
    try:
        if idea.status == IdeaStatus.DRAFT and action == "send":
            idea = services.submit_draft(
                idea=idea, actor=request.user, expected_version=version, **form.service_fields()
            )
            _saved(
                request,
                f"idea-{idea.pk}",
                _("Takk! Idéen er sendt inn og venter på porteføljestyret."),
            )
            return redirect(idea)
        idea = services.update_idea(
            idea=idea, actor=request.user, expected_version=version, **form.service_fields()
        )
    except StaleVersion as conflict:
        form.add_error(
            None,
            _(
                "Noen andre lagret idéen mens du skrev (%(who)s). Det du skrev er ikke lagret, "
                "men står fortsatt i skjemaet. Se over idéen slik den er nå, og lagre på nytt."
            )
            % {"who": _last_editor(conflict.current)},
        )
        return _form_response(request, form, conflict.current, status=409)
    _saved(request, f"idea-{idea.pk}", _("Endringene er lagret."))
    if idea.status == IdeaStatus.DRAFT:
        return redirect("ideas:edit", pk=idea.pk)
    return redirect(idea)


def _saved(request: HtmxRequest, autosave_key: str, text: str) -> None:
    """A success message that also tells the browser to drop its autosaved copy of the form."""
    messages.success(request, text, extra_tags=f"autosave:{autosave_key}")


def _last_editor(idea: Idea) -> str:
    return last_actor(idea, _("ukjent"))


@require_POST
def idea_withdraw(request: HtmxRequest, pk: int) -> HttpResponse:
    idea = selectors.visible_idea(organisation=request.organisation, user=request.user, pk=pk)
    if idea.submitter_id != request.user.pk:
        raise PermissionDenied
    try:
        services.withdraw_idea(
            idea=idea, actor=request.user, expected_version=VersionForm.posted(request.POST)
        )
    except StaleVersion:
        messages.error(request, _("Idéen ble endret mens du så på den. Se over og prøv igjen."))
    except ValueError:
        messages.error(request, _("Idéen er allerede avsluttet."))
    else:
        messages.success(request, _("Idéen er trukket tilbake."))
    return redirect(idea)


@require_GET
def idea_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    idea = selectors.visible_idea(
        organisation=request.organisation, user=request.user, pk=pk, with_initiative=True
    )
    context = {
        "idea": idea,
        "events": history_for(idea),
        "can_edit": idea.is_editable_by(
            request.user, is_board=request.membership.has_role(Role.BOARD)
        ),
        "zero_foundations": idea.zero_foundations(),
        "value_labels": [ValueType(v).label for v in idea.value_types if v in ValueType.values],
    }
    context.update(collaboration_context(request, idea))
    context.update(attachment_section_context(request, idea))
    return render(request, "ideas/idea_detail.html", context)


# Collaboration: comments, support and following. An htmx POST gets the updated fragment
# back (partials in templates/ideas/includes/, named as their DOM ids); a plain form POST
# is redirected to the idea (post/redirect/get), so everything works without JavaScript.


def collaboration_context(request: HtmxRequest, idea: Idea) -> dict[str, object]:
    """The support and follow buttons and the comment thread on the idea page."""
    return {
        "comments": selectors.comment_thread(idea=idea),
        "comment_form": CommentForm(),
        **selectors.collaboration_state(idea=idea, user=request.user),
    }


def _comments_fragment(
    request: HtmxRequest,
    idea: Idea,
    *,
    comment_form: CommentForm | None = None,
    editing: Comment | None = None,
    edit_form: CommentForm | None = None,
) -> HttpResponse:
    context = {
        "idea": idea,
        "comments": selectors.comment_thread(idea=idea),
        "comment_form": comment_form or CommentForm(),
        "editing": editing,
        "edit_form": edit_form,
    }
    return render(request, "ideas/includes/comments.html#comments", context)


def _own_comment(
    request: HtmxRequest, pk: int, comment_pk: int, *, deleted_too: bool = False
) -> Comment:
    """The user's own comment on a visible idea: 404 if not found, 403 if someone else's."""
    idea = selectors.visible_idea(organisation=request.organisation, user=request.user, pk=pk)
    comments = idea.comments.select_related("author")
    if not deleted_too:
        comments = comments.filter(deleted_at__isnull=True)
    comment = comments.filter(pk=comment_pk).first()
    if comment is None:
        raise Http404
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    return comment


@require_POST
def comment_add(request: HtmxRequest, pk: int) -> HttpResponse:
    idea = selectors.visible_idea(organisation=request.organisation, user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(idea=idea, author=request.user, body=form.cleaned_data["body"])
        if not request.htmx:
            messages.success(request, _("Kommentaren er publisert."))
            return redirect(f"{idea.get_absolute_url()}#comments")
        form = CommentForm()
    elif not request.htmx:
        return render(request, "ideas/comment_form.html", {"idea": idea, "form": form})
    return _comments_fragment(request, idea, comment_form=form)


@require_http_methods(["GET", "POST"])
def comment_edit(request: HtmxRequest, pk: int, comment_pk: int) -> HttpResponse:
    comment = _own_comment(request, pk, comment_pk)
    idea = comment.idea
    form = CommentForm(
        request.POST or None, prefix="edit", initial={"body": comment.body}, editing=True
    )
    if request.method == "POST" and form.is_valid():
        services.edit_comment(comment=comment, editor=request.user, body=form.cleaned_data["body"])
        if request.htmx:
            return _comments_fragment(request, idea)
        messages.success(request, _("Kommentaren er endret."))
        return redirect(f"{idea.get_absolute_url()}#comment-{comment.pk}")
    if request.htmx:
        return _comments_fragment(request, idea, editing=comment, edit_form=form)
    context = {"idea": idea, "form": form, "comment": comment}
    return render(request, "ideas/comment_form.html", context)


@require_POST
def comment_delete(request: HtmxRequest, pk: int, comment_pk: int) -> HttpResponse:
    comment = _own_comment(request, pk, comment_pk, deleted_too=True)
    services.delete_comment(comment=comment, actor=request.user)
    if request.htmx:
        return _comments_fragment(request, comment.idea)
    messages.success(request, _("Kommentaren er slettet."))
    return redirect(f"{comment.idea.get_absolute_url()}#comments")


def _wanted_state(request: HtmxRequest) -> bool | None:
    """The state a toggle button asks for («ja»/«nei»), so a repeated POST changes nothing."""
    return {"ja": True, "nei": False}.get(request.POST.get("valgt", ""))


def _collaboration_fragment(request: HtmxRequest, idea: Idea, message: str) -> HttpResponse:
    if not request.htmx:
        messages.success(request, message)
        return redirect(idea)
    state = selectors.collaboration_state(idea=idea, user=request.user)
    context: dict[str, object] = {"idea": idea, **state}
    return render(request, "ideas/includes/collaboration.html#collaboration", context)


@require_POST
def support_toggle(request: HtmxRequest, pk: int) -> HttpResponse:
    idea = selectors.visible_idea(organisation=request.organisation, user=request.user, pk=pk)
    wanted = _wanted_state(request)
    if wanted is None:
        return HttpResponse(status=400)
    if wanted:
        services.support_idea(idea=idea, user=request.user)
        return _collaboration_fragment(request, idea, _("Du støtter idéen."))
    services.unsupport_idea(idea=idea, user=request.user)
    return _collaboration_fragment(request, idea, _("Du støtter ikke lenger idéen."))


@require_POST
def follow_toggle(request: HtmxRequest, pk: int) -> HttpResponse:
    idea = selectors.visible_idea(organisation=request.organisation, user=request.user, pk=pk)
    wanted = _wanted_state(request)
    if wanted is None:
        return HttpResponse(status=400)
    if wanted:
        services.follow_idea(idea=idea, user=request.user)
        return _collaboration_fragment(
            request, idea, _("Du følger idéen og får e-post når noe skjer.")
        )
    services.unfollow_idea(idea=idea, user=request.user)
    return _collaboration_fragment(request, idea, _("Du følger ikke lenger idéen."))


# Should a browser ever render a download, it gets no scripts, no plugins and no origin.
DOWNLOAD_CSP: dict[str, Any] = {"default-src": [CSP.NONE], "sandbox": True}


def attachment_section_context(
    request: HtmxRequest, idea: Idea, form: AttachmentForm | None = None, notice: str = ""
) -> dict[str, object]:
    """What templates/ideas/includes/attachments.html shows, on the idea page and as htmx."""
    user, membership = request.user, request.membership
    attachments = idea.attachments.select_related("uploaded_by")
    return {
        "idea": idea,
        "attachment_rows": [
            (a, permissions.may_delete_attachment(a, user, membership)) for a in attachments
        ],
        "can_attach": permissions.may_add_attachment(idea, user, membership),
        "attachment_form": form or AttachmentForm(),
        "attachment_notice": notice,
    }


def _attachment_section_response(
    request: HtmxRequest, idea: Idea, form: AttachmentForm | None = None, notice: str = ""
) -> HttpResponse:
    # Without JavaScript a refused file is shown on a page of its own, message at the field.
    # Both answer 200: htmx swaps only what succeeds, and the message must reach the field.
    template = "ideas/includes/attachments.html#attachments"
    if not request.htmx:
        template = "ideas/attachment_form.html"
    return render(request, template, attachment_section_context(request, idea, form, notice))


@require_POST
def attachment_add(request: HtmxRequest, pk: int) -> HttpResponse:
    idea = permissions.idea_for_attaching(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _attachment_section_response(request, idea, form)
    try:
        attachment = services.add_attachment(
            idea=idea,
            uploaded_by=request.user,
            upload=form.cleaned_data["file"],
            membership=request.membership,
        )
    except ValidationError as error:  # checked again, or the storage could not write it
        form.add_error("file", error)
        return _attachment_section_response(request, idea, form)
    notice = _("«%(name)s» er lagt ved.") % {"name": attachment.original_name}
    if request.htmx:
        return _attachment_section_response(request, idea, notice=notice)
    messages.success(request, notice)
    return redirect(idea)


@require_GET
@csp_override(DOWNLOAD_CSP)
def attachment_download(request: HtmxRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = permissions.visible_attachment(request, pk, attachment_pk)
    try:
        attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Whatever the file is, the browser saves it rather than showing or sniffing it.
    response = FileResponse(
        attachment.file,
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
def attachment_delete(request: HtmxRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = permissions.attachment_for_deleting(request, pk, attachment_pk)
    idea = attachment.idea
    services.delete_attachment(
        attachment=attachment, actor=request.user, membership=request.membership
    )
    notice = _("«%(name)s» er slettet.") % {"name": attachment.original_name}
    if request.htmx:
        return _attachment_section_response(request, idea, notice=notice)
    messages.success(request, notice)
    return redirect(idea)
