"""Re-encrypt the encrypted columns of one table in place: under the first key, in the bound
format (table, column, row as associated data). Used by ``zicht rotate-keys`` and by the data
migration that binds values written before issue 12. Raw SQL in primary-key chunks: no model
save, no signals; idempotent, so an interrupted run can simply be started again."""

from __future__ import annotations

from django.db import transaction

from .crypto import cipher, place


def reencrypt_table(
    connection, table: str, pk_column: str, columns: list[str], batch: int = 2000, dry_run: bool = False, progress=None
) -> tuple[int, int]:
    """Returns (values seen, values re-encrypted)."""
    c = cipher()
    places = [place(table, column) for column in columns]
    qn = connection.ops.quote_name
    t, pk, cols = qn(table), qn(pk_column), [qn(col) for col in columns]
    seen = rotated = 0
    last = None
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            where = f"WHERE {pk} > %s " if last is not None else ""
            cursor.execute(
                f"SELECT {pk}, {', '.join(cols)} FROM {t} {where}ORDER BY {pk} LIMIT %s", ([last] if last is not None else []) + [batch]
            )
            rows = cursor.fetchall()
            if not rows:
                break
            updates = []
            for row in rows:
                values, changed = list(row[1:]), False
                for i, value in enumerate(values):
                    if value:
                        seen += 1
                        # under an older key, unbound (z1), or not yet bound to this row
                        if c.needs_rotation(value, row=row[0]):
                            values[i] = c.encrypt(c.decrypt(value, places[i], row[0]), places[i], row[0])
                            changed = True
                            rotated += 1
                if changed:
                    updates.append(values + [row[0]])
            if updates and not dry_run:
                assignments = ", ".join(f"{col} = %s" for col in cols)
                cursor.executemany(f"UPDATE {t} SET {assignments} WHERE {pk} = %s", updates)
            last = rows[-1][0]
            if progress is not None:
                progress.update(len(rows))
    return seen, rotated


def encrypted_columns(models) -> list[tuple[str, str, list[str]]]:
    """[(table, pk column, [encrypted columns])] for the given model classes (current or historical)."""
    from .fields import EncryptedTextField

    found = []
    for model in models:
        if model._meta.proxy or not model._meta.managed:
            continue
        cols = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if cols:
            found.append((model._meta.db_table, model._meta.pk.column, cols))
    return found
