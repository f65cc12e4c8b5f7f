"""The outcome table: performance reviews and attendance summaries that come back from HR systems.

A module of its own beside models.py (docs/architecture.md): the outcomes room owns it, and only its
link to a result ties it to the rest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.privacy.crypto import EncryptedJSON
from hub.storage.models import Base, Timestamp


class Outcome(Base):
    """One outcome record, encrypted; `natural_key` (kind, id system, employee, period, source) makes re-sending it
    idempotent, and `result_id` links it to the hire whose decision recorded the employee id (null: unlinked)."""

    __tablename__ = "outcomes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    natural_key: Mapped[str] = mapped_column(String(64), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The HR system's employee id, as decisions.employee_ids holds it (not personal data on its own; the
    # record with the ratings is encrypted).
    employee_id: Mapped[str] = mapped_column(String(200), index=True)
    period: Mapped[str] = mapped_column(String(20))
    result_id: Mapped[str | None] = mapped_column(ForeignKey("interview_results.id"), index=True)
    record: Mapped[Any] = mapped_column(EncryptedJSON())
    received_at: Mapped[Timestamp]
    updated_at: Mapped[datetime | None]
