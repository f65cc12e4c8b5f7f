"""Key rotation: re-encrypt stored values under the primary key, in batches."""

from __future__ import annotations

from typing import Callable, Iterator

from sqlalchemy import Column, Table, Text, func, select, type_coerce, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.orm import Session, sessionmaker

from hub.privacy.crypto import EncryptedBytes, EncryptedJSON, KeyRing
from hub.storage.models import Base


def encrypted_columns() -> Iterator[tuple[Table, list[Column]]]:
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (EncryptedJSON, EncryptedBytes))]
        if columns:
            yield table, columns


def _stale_clause(columns: list[Column], primary_id: str):
    """Values under a master key other than the primary (values under a candidate's data key are not the master's:
    their wrapped keys are re-wrapped in the key store instead)."""
    prefix = f"enc1:{primary_id}:"
    clauses = [
        type_coerce(c, Text).not_like(prefix + "%") & type_coerce(c, Text).not_like("enc2:%") & c.isnot(None)
        for c in columns
    ]
    condition = clauses[0]
    for clause in clauses[1:]:
        condition = condition | clause
    return condition


def count_stale(engine: Engine, keyring: KeyRing) -> int:
    """How many values are under a key other than the primary."""
    total = 0
    with engine.connect() as connection:
        for table, columns in encrypted_columns():
            for column in columns:
                total += (
                    connection.scalar(
                        select(func.count())
                        .select_from(table)
                        .where(
                            type_coerce(column, Text).not_like(f"enc1:{keyring.primary_id}:%"),
                            type_coerce(column, Text).not_like("enc2:%"),
                            column.isnot(None),
                        )
                    )
                    or 0
                )
    return total


def reencrypted(
    row: Row, columns: list[Column], keyring: KeyRing, stale: Callable[[str], bool], encrypt: Callable[[bytes], str]
) -> dict[str, str]:
    """The row's stale values of `columns`, decrypted with the key ring and encrypted again with `encrypt`."""
    values = {}
    for column in columns:
        raw = getattr(row, column.name)
        if raw is not None and stale(raw):
            values[column.name] = encrypt(keyring.decrypt(raw))
    return values


def rewrite_in_batches(
    factory: sessionmaker[Session],
    table: Table,
    columns: list[Column],
    where,
    new_values: Callable[[Session, Row], dict[str, str]],
    *,
    extra: tuple = (),
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rewrite the encrypted `columns` of every row of `table` matching `where`, in primary-key order, a batch per
    transaction (an interrupted run resumes where it stopped). Each row is selected with its key first, the `extra`
    expressions, then each column as text; `new_values(session, row)` gives the new ciphertext of the columns to
    change. The number of values rewritten."""
    key = table.primary_key.columns.values()[0]
    done = 0
    last = None
    while True:
        with factory() as session, session.begin():
            query = (
                select(key, *extra, *[type_coerce(c, Text).label(c.name) for c in columns])
                .where(where)
                .order_by(key)
                .limit(batch_size)
            )
            if last is not None:
                query = query.where(key > last)
            rows = session.execute(query).all()
            if not rows:
                return done
            for row in rows:
                values = new_values(session, row)
                session.execute(
                    update(table)
                    .where(key == row[0])
                    .values({table.c[name]: type_coerce(value, Text) for name, value in values.items()})
                )
                done += len(values)
                if progress:
                    progress(len(values))
            last = rows[-1][0]


def rotate(
    factory: sessionmaker[Session],
    keyring: KeyRing,
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Re-encrypt every stale value; each batch commits on its own, so an interrupted run resumes."""
    done = 0
    for table, columns in encrypted_columns():

        def under_primary(_session: Session, row: Row, columns: list[Column] = columns) -> dict[str, str]:
            return reencrypted(
                row,
                columns,
                keyring,
                lambda raw: raw.startswith("enc1:") and keyring.key_id_of(raw) != keyring.primary_id,
                keyring.encrypt,
            )

        done += rewrite_in_batches(
            factory,
            table,
            columns,
            _stale_clause(columns, keyring.primary_id),
            under_primary,
            batch_size=batch_size,
            progress=progress,
        )
    return done
