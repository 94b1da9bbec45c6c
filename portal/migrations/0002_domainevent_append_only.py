"""On PostgreSQL, refuse UPDATE and DELETE on the event log at the database level too."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION portal_domainevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'portal_domainevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_domainevent_append_only
    BEFORE UPDATE OR DELETE ON portal_domainevent
    FOR EACH ROW EXECUTE FUNCTION portal_domainevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS portal_domainevent_append_only ON portal_domainevent;
DROP FUNCTION IF EXISTS portal_domainevent_append_only();
"""


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
