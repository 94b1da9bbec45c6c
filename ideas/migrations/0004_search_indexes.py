"""PostgreSQL only: pg_trgm and the GIN indexes behind ideas.search. SQLite needs none."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models.functions import Upper


def indexes() -> list[GinIndex]:
    # Self-contained on purpose: the expression index is replaced by a stored column in 0006.
    vector = (
        SearchVector("title", weight="A", config="norwegian")
        + SearchVector("question", weight="A", config="norwegian")
        + SearchVector("need", weight="B", config="norwegian")
    )
    title, question = Upper("title"), Upper("question")
    return [
        GinIndex(vector, name="idea_search_gin"),
        GinIndex(OpClass(title, name="gin_trgm_ops"), name="idea_title_trgm"),
        GinIndex(OpClass(question, name="gin_trgm_ops"), name="idea_question_trgm"),
    ]


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    idea = apps.get_model("ideas", "Idea")
    for index in indexes():
        schema_editor.add_index(idea, index)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    idea = apps.get_model("ideas", "Idea")
    for index in indexes():
        schema_editor.remove_index(idea, index)


class Migration(migrations.Migration):
    dependencies = [("ideas", "0003_idea_affected_parties_idea_comment_count_and_more")]

    operations = [migrations.RunPython(forwards, backwards)]
