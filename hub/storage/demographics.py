"""The demographics table: voluntary self-identified categories (sex or gender, race/ethnicity, ...) for bias audits.

A module of its own beside models.py (docs/architecture.md), and a table of its own, encrypted: scoring, policies
and mappings never read it. Only the fairness room imports this module (tests/test_layout.py holds it to that)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.privacy.crypto import EncryptedJSON
from hub.storage.models import Base, Timestamp


class Demographic(Base):
    """One candidate's self-identification under one category set (e.g. `eeo1`): `categories` holds
    {"sex": "female", "race_ethnicity": "asian"} encrypted; a dimension left out or "declined" counts as unknown."""

    __tablename__ = "demographics"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id"), unique=True)
    category_set: Mapped[str] = mapped_column(String(40))
    categories: Mapped[Any] = mapped_column(EncryptedJSON())
    created_at: Mapped[Timestamp]
    updated_at: Mapped[datetime | None]
