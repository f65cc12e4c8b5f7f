"""The candidates' rights tables: the consent record each result came with, and the human review log.

A module of its own beside models.py (docs/architecture.md): the rights room owns these, and only their links to
a result tie them to the rest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.privacy.crypto import EncryptedJSON
from hub.storage.models import Base, InterviewResult, Timestamp, UUIDKey


class ConsentRecord(Base):
    """Which notice (id, version, language, jurisdiction) and which consent a result came with. No personal data:
    it is the evidence of lawful processing and stays when the candidate is erased."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[str] = mapped_column(ForeignKey("interview_results.id"), unique=True)
    notice_id: Mapped[str] = mapped_column(String(100))
    notice_version: Mapped[str] = mapped_column(String(50))
    language: Mapped[str] = mapped_column(String(20))
    jurisdiction: Mapped[str] = mapped_column(String(20))
    scopes: Mapped[list[Any] | None]
    # The candidate refused automated decisions: a person reviews the result and nothing is scored.
    automated_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    given_at: Mapped[datetime | None]
    recorded_at: Mapped[Timestamp]
    # Not read anywhere: it tells the unit of work that a result is inserted before its consent record, so ingest
    # can add both and flush once (without it, the flush order between the two tables is not defined).
    result: Mapped[InterviewResult] = relationship()


class Review(Base):
    """A person's review of the engine's output: confirmed or overridden (kept beside it, never replacing it), or
    for a human-only result the person's own assessment. Who reviewed, why and the values are encrypted."""

    __tablename__ = "reviews"

    id: Mapped[UUIDKey]
    result_id: Mapped[str] = mapped_column(ForeignKey("interview_results.id"), index=True)
    subject: Mapped[str] = mapped_column(String(20))  # score, recommendation, assessment
    action: Mapped[str] = mapped_column(String(20))  # confirm, override, assess
    target: Mapped[str | None] = mapped_column(String(100))  # a dimension key or "overall"
    profile_version: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[Any] = mapped_column(EncryptedJSON())  # reviewer, reason, engine value, reviewer's value
    created_at: Mapped[Timestamp]
