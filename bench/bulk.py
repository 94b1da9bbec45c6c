"""Bulk writes for the seeds: PostgreSQL COPY of model instances, and step timings.

`copy_rows` writes unsaved model instances with one COPY per table (ids reserved from the
table's sequence in one query first, so that other rows can refer to them): no per-row
INSERT, no per-object save, no `bulk_create` batches of parameter lists. Nothing runs that a
save would run (no signals, no `pre_save`): an `auto_now` field keeps the moment the seed
set, and gets «now» only when it has none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from time import perf_counter
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone


def say(message: str) -> None:
    print(message, flush=True)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys from the table's sequence, in one query."""
    if count == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model: type[models.Model], objects: Iterable[models.Model]) -> int:
    """COPY unsaved instances of `model` into its table. A list's instances get their
    primary keys first (`reserve_ids`); any other iterable must yield them with theirs,
    and is consumed as the COPY streams, so that building them overlaps PostgreSQL's work."""
    if isinstance(objects, Sequence):
        if not objects:
            return 0
        pk = model._meta.pk.attname
        if getattr(objects[0], pk) is None:
            for obj, new_id in zip(objects, reserve_ids(model, len(objects)), strict=True):
                setattr(obj, pk, new_id)
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    stamped = [
        f.attname
        for f in fields
        if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)
    ]
    now = timezone.now()
    fields = [f for f in fields if f.column != "search_document"]  # kept by a trigger
    writers = [_writer(f) for f in fields]
    attnames = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        raw = cast("Any", cursor).cursor  # Django's wrapper around psycopg's cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                values = obj.__dict__
                for name in stamped:
                    if values[name] is None:
                        values[name] = now
                obj._state.adding = False
                obj._state.db = connection.alias
                count += 1
                copy.write_row(
                    [
                        values[name] if write is None else write(values[name])
                        for name, write in zip(attnames, writers, strict=True)
                    ]
                )
    return count


def copy_values(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """COPY plain tuples of `fields` (attribute names: «organisation_id») into the model's
    table; the database numbers them. No model instances: for the biggest tables, whose
    rows nothing else refers to (events, measurements, settled checkpoints). A JSON field
    takes a dict or list, encoded with the field's encoder; a NOT NULL column left out
    fails the COPY."""
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    writers = [_writer(by_name[name]) for name in fields]
    columns = [str(by_name[name].column) for name in fields]
    if not any(writers):
        return copy_tuples(model._meta.db_table, columns, rows)
    return copy_tuples(
        model._meta.db_table,
        columns,
        (
            [
                value if write is None else write(value)
                for value, write in zip(row, writers, strict=True)
            ]
            for row in rows
        ),
    )


def copy_update(
    model: type[models.Model], objects: Sequence[models.Model], fields: Sequence[str]
) -> int:
    """What `bulk_update(objects, fields)` does, as one COPY into a temporary table and one
    UPDATE … FROM it (bulk_update's CASE per field and row costs seconds of Python for a
    few thousand rows)."""
    if not objects:
        return 0
    if connection.vendor != "postgresql":  # the seeds' smoke tests on SQLite
        return model._default_manager.bulk_update(objects, fields, batch_size=500)
    meta = model._meta
    concrete = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in fields]
    attnames = [field.attname for field in concrete]
    columns = [str(meta.pk.column), *(str(field.column) for field in concrete)]
    quote = connection.ops.quote_name
    table, temporary = quote(meta.db_table), quote(f"bench_update_{meta.db_table}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} ON COMMIT DROP AS "
            f"SELECT {', '.join(map(quote, columns))} FROM {table} WITH NO DATA"
        )
    copy_tuples(
        f"bench_update_{meta.db_table}",
        columns,
        ([obj.pk, *(getattr(obj, name) for name in attnames)] for obj in objects),
    )
    assignments = ", ".join(f"{quote(c)} = u.{quote(c)}" for c in columns[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} t SET {assignments} FROM {temporary} u "
            f"WHERE t.{quote(columns[0])} = u.{quote(columns[0])}"
        )
        updated = int(cursor.rowcount)
        cursor.execute(f"DROP TABLE {temporary}")
        return updated


def copy_tuples(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY plain tuples into a table (many-to-many links and other narrow rows)."""
    count = 0
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        raw = cast("Any", cursor).cursor
        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _writer(field: models.Field[Any, Any]) -> Any:
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def dump(value: object) -> str | None:
            return None if value is None else json.dumps(value, cls=encoder)

        return dump
    return None


class Steps:
    """Prints each step's wall time as it ends, and all of them at the end."""

    def __init__(self) -> None:
        self.started = perf_counter()
        self.times: list[tuple[str, float]] = []

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = perf_counter()
        yield
        took = perf_counter() - started
        self.times.append((name, took))
        say(f"  {name}: {took:.1f} s")

    def summary(self) -> None:
        total = perf_counter() - self.started
        width = max(len(name) for name, _took in self.times)
        say("step times:")
        for name, took in self.times:
            say(f"  {name.ljust(width)}  {took:6.1f} s")
        say(f"  {'in all'.ljust(width)}  {total:6.1f} s")


@contextmanager
def loading(tables: Sequence[str]) -> Iterator[None]:
    """Bulk-load the tables without their foreign keys and non-unique indexes, then put
    them back: one index build and one validating join per constraint is far cheaper than
    keeping a dozen indexes (three of them GIN) and a trigger check per row up to date
    during a COPY of hundreds of thousands of rows. The same definitions come back
    (`pg_get_constraintdef`, `pg_get_indexdef`). Run it inside a transaction: DDL is
    transactional in PostgreSQL, so a seed that fails or is stopped leaves them as they were.
    Primary keys and unique indexes stay, so duplicates still fail at once."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY conname",
            [list(tables)],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY 1",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # Room to build each index in memory (the GIN ones above all); this transaction only.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
