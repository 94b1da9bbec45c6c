"""Every organisation's defaults, copied from one made by the service.

`portal.services.create_organisation` fills a dozen tables per municipality through its
receivers (types, goals, phases and checkpoints, the staircase, periods, measures,
dimensions, criteria, KPIs …), a few hundred queries each: 357 of them take a minute. The
seed makes the first organisation through the service and copies that one's rows for the
others, one COPY per table. Which tables and in which order is read from the models (every
table reachable from the organisation by foreign keys that holds rows of it), so a default
added to a receiver is copied too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.db import models

from bench.bulk import copy_rows
from portal.actions import PortalAction
from portal.events import snapshot
from portal.models import DomainEvent, Organisation
from portal.services import ORGANISATION_FIELDS
from portal.signals import DEFAULT_PHASE_TEMPLATE

Model = type[models.Model]


def foreign_keys(model: Model) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def template_rows(template: Organisation) -> dict[Model, list[models.Model]]:
    """The template organisation's rows per model, parents before children."""
    found: dict[Model, set[int]] = {Organisation: {template.pk}}
    candidates = [m for m in apps.get_models() if m is not Organisation and m is not DomainEvent]
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model in found:
                continue
            for fk in foreign_keys(model):
                parent = fk.related_model
                if parent in found and parent is not model:
                    pks = set(
                        model._default_manager.filter(
                            **{f"{fk.attname}__in": found[parent]}
                        ).values_list("pk", flat=True)
                    )
                    if pks:
                        found[model] = pks
                        grew = True
                    break
    order: list[Model] = []
    pending = [m for m in found if m is not Organisation]
    while pending:
        for model in pending:
            parents = {fk.related_model for fk in foreign_keys(model)} - {model}
            if all(p in order or p is Organisation or p not in found for p in parents):
                order.append(model)
                pending.remove(model)
                break
        else:
            raise RuntimeError(f"bench: cannot order the defaults' tables: {pending}")
    return {
        model: list(model._default_manager.filter(pk__in=found[model]).order_by("pk"))
        for model in order
    }


def clone_organisations(template: Organisation, orgs: Sequence[Organisation]) -> int:
    """Copy the template's default rows to each of `orgs` (saved, without defaults yet),
    with the «organisation created» event the service records. Returns the rows written."""
    # (model, template pk, organisation index) -> the copy's pk
    new_pk: dict[tuple[Model, int, int], int] = {}
    cloned: set[Model] = {Organisation}
    written = 0
    for model, rows in template_rows(template).items():
        fks = [fk for fk in foreign_keys(model) if fk.related_model in cloned]
        copies = []
        keys = []
        for index, org in enumerate(orgs):
            for row in rows:
                values = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
                values[model._meta.pk.attname] = None
                for fk in fks:
                    old = values[fk.attname]
                    if old is None:
                        continue
                    values[fk.attname] = (
                        org.pk
                        if fk.related_model is Organisation
                        else new_pk[(fk.related_model, old, index)]
                    )
                copies.append(model(**values))
                keys.append((model, row.pk, index))
        written += copy_rows(model, copies)
        for key, copy in zip(keys, copies, strict=True):
            new_pk[key] = copy.pk
        cloned.add(model)
    written += copy_rows(
        DomainEvent,
        [
            DomainEvent(
                organisation=org,
                actor=None,
                action=PortalAction.ORGANISATION_CREATED,
                subject_type=Organisation._meta.label_lower,
                subject_id=org.pk,
                after={
                    **snapshot(org, ORGANISATION_FIELDS),
                    "phase_template": DEFAULT_PHASE_TEMPLATE,
                },
                occurred_at=org.created_at,
            )
            for org in orgs
        ],
    )
    return written
