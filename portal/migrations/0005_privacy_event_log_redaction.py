"""On PostgreSQL, the append-only event log allows exactly one UPDATE: the redaction of a
person's data from before/after during an erasure (portal.privacy), while the transaction
has set `nyttig.redaction` to on. Every other column must stay as it was; DELETE is refused."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

REDACTABLE = """
CREATE OR REPLACE FUNCTION portal_domainevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('nyttig.redaction', true) = 'on'
       AND NEW.id = OLD.id
       AND NEW.organisation_id = OLD.organisation_id
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.occurred_at = OLD.occurred_at
       AND NEW.action = OLD.action
       AND NEW.subject_type = OLD.subject_type
       AND NEW.subject_id = OLD.subject_id
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'portal_domainevent is append-only';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION portal_domainevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'portal_domainevent is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REDACTABLE)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_organisations_identity_invitations")]

    operations = [migrations.RunPython(forwards, backwards)]
