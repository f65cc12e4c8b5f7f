"""Validity of interview scores against later outcomes, attendance feedback, and the drafts they propose.

Pure functions over columns of numbers: the hub gathers the data, these say what it shows.
"""

from scoring_engine.validity.attendance import (
    AttendanceReport,
    GroupLateness,
    Proposal,
    attendance_proposals,
    attendance_report,
    raise_dimension_weight,
)
from scoring_engine.validity.report import (
    ValidityCell,
    ValidityReport,
    applicant_pool_sd,
    validity_cell,
    validity_report,
)
from scoring_engine.validity.weights import WeightChange, recommend_weights

__all__ = [
    "AttendanceReport",
    "GroupLateness",
    "Proposal",
    "ValidityCell",
    "ValidityReport",
    "WeightChange",
    "applicant_pool_sd",
    "attendance_proposals",
    "attendance_report",
    "raise_dimension_weight",
    "recommend_weights",
    "validity_cell",
    "validity_report",
]
