"""The drafts table: versioned competency models and attendance policies that a report proposed and a person decides.

A module of its own beside models.py (as outcomes.py is): the outcomes room writes drafts, people approve or
reject them, and scoring reads the approved competency models. A draft holds aggregate figures and model or
policy text, never personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.storage.models import Base, Timestamp


class Draft(Base):
    """One proposed version of a competency model (`kind` competency_model) or policy (`kind` attendance_policy).

    `status` moves draft -> approved or rejected, and approved -> superseded when a later version of the same
    name is approved. Only an approved competency model is ever used for scoring."""

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100), index=True)  # the model's or policy's name
    version: Mapped[str] = mapped_column(String(40))
    base_version: Mapped[str] = mapped_column(String(40))  # the version it was drafted from
    status: Mapped[str] = mapped_column(String(20), default="draft")
    content: Mapped[Any] = mapped_column(JSON)  # the whole model or policy document, as its YAML would be
    proposal: Mapped[Any] = mapped_column(JSON)  # why: the report's figures and the changes
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[Timestamp]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
