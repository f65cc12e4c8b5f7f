"""Typed models of the hub's published JSON Schemas (GENERATED: do not edit).

Made by clients/python/tools/generate_models.py from /api/v1/schemas/ (interview-result, decision,
canonical-document) and the Accepted and Problem components of /api/v1/openapi.json;
tests/clients/test_models.py fails when this file and the schemas drift apart. Run the script again after
a schema changes.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "Accepted",
    "AcceptedLinks",
    "AttendanceRule",
    "AttendanceRuleFlexibleWindow",
    "AttendanceRuleOvertimeCap",
    "AttendanceRuleProbation",
    "AttendanceRuleRationaleItem",
    "AttendanceRuleSpan",
    "CanonicalDocument",
    "CanonicalDocumentCandidate",
    "CanonicalDocumentConnector",
    "CanonicalDocumentDimension",
    "CanonicalDocumentDimensionEvidenceItem",
    "CanonicalDocumentEmployee",
    "CanonicalDocumentFiredItem",
    "CanonicalDocumentPolicy",
    "CanonicalDocumentProfile",
    "CanonicalDocumentProfilePreferences",
    "CanonicalDocumentResult",
    "Decision",
    "InterviewResult",
    "InterviewResultAnswer",
    "InterviewResultCandidate",
    "InterviewResultConsent",
    "InterviewResultPreferences",
    "InterviewResultPreferencesPreferredHours",
    "InterviewResultScores",
    "PerformancePlan",
    "PerformancePlanGoal",
    "PerformancePlanGoalRationale",
    "PerformancePlanLocalized",
    "Problem",
    "ProblemError",
]


class InterviewResultCandidate(TypedDict):
    """The object at InterviewResult#/candidate."""

    # The front end's id for the candidate. pattern "^[^\\u0000-\\u001f\\u007f]{1,200}$"
    external_id: str
    # maxLength 200
    name: NotRequired[str]
    # maxLength 40
    phone: NotRequired[str]
    # pattern "^[^@\\s]+@[^@\\s]+$"; maxLength 320
    email: NotRequired[str]
    # A national id or passport number; stored encrypted. maxLength 64
    id_number: NotRequired[str]


class InterviewResultAnswer(TypedDict):
    """The object at InterviewResult#/answers/*. JSON Schema: the schema also combines required fields
    (anyOf/oneOf/allOf) that the hub checks.
    """

    # The question's id, or for code the coding task's id (e.g. quicksort). minLength 1; maxLength 100
    question_id: str
    # The answer as typed, or the transcript of a spoken answer. maxLength 20000
    text: NotRequired[str]
    # Source code answering a coding task; run in the sandbox against the task's tests. minLength 1; maxLength
    # 65536
    code: NotRequired[str]
    # zh or en for text; the programming language for code (python)
    language: NotRequired[Literal["zh", "en", "python"]]
    # True when the text is a speech-to-text transcript
    transcript: NotRequired[bool]


class InterviewResultScores(TypedDict):
    """Scores another engine already produced; validated and used as is, tagged with their source."""

    # pattern "^[A-Za-z0-9_.:-]{1,100}$"
    source: str
    # The competency model the dimensions belong to (e.g. sales, rnd). maxLength 100
    model: NotRequired[str]
    # minProperties 1; maxProperties 50
    dimensions: dict[str, float]


class InterviewResultPreferencesPreferredHours(TypedDict):
    """The object at InterviewResult#/preferences/preferred_hours."""

    # pattern "^([01][0-9]|2[0-3]):[0-5][0-9]$"
    start: str
    # pattern "^([01][0-9]|2[0-3]):[0-5][0-9]$"
    end: str


class InterviewResultPreferences(TypedDict):
    """The object at InterviewResult#/preferences."""

    work_schedule: NotRequired[Literal["fixed", "flexible"]]
    preferred_hours: NotRequired[InterviewResultPreferencesPreferredHours]


class InterviewResultConsent(TypedDict):
    """The candidate's consent to automated assessment (PIPL, GDPR, Illinois AIVI)."""

    # minLength 1; maxLength 50
    notice_version: str
    # format "date-time"
    given_at: str
    # maxItems 10
    scopes: NotRequired[list[Literal["scoring", "transfer_to_hr_systems", "retention"]]]


class InterviewResult(TypedDict):
    """One candidate's interview as a front end (e.g. a WeChat mini-program backend) posts it: answers to score, or
    scores another engine produced, plus stated preferences and the consent record. JSON Schema: the schema also
    combines required fields (anyOf/oneOf/allOf) that the hub checks.
    """

    # The front end's own id for this interview; posting it again replays the first answer. pattern
    # "^[^\\u0000-\\u001f\\u007f]{1,200}$"
    external_id: str
    # The job the candidate interviewed for, as HR IT configured it (letters, digits, . _ : -). pattern
    # "^[A-Za-z0-9_.:-]{1,100}$"
    job_code: str
    candidate: InterviewResultCandidate
    # maxItems 200
    answers: NotRequired[list[InterviewResultAnswer]]
    # Scores another engine already produced; validated and used as is, tagged with their source
    scores: NotRequired[InterviewResultScores]
    preferences: NotRequired[InterviewResultPreferences]
    # The candidate's consent to automated assessment (PIPL, GDPR, Illinois AIVI)
    consent: InterviewResultConsent
    # format "date-time"
    submitted_at: NotRequired[str]


class Decision(TypedDict):
    """A person's hire decision on a result. Scores are advisory; this is what sends goals and attendance rules to HR
    systems.
    """

    hired: bool
    # Who decided (a person, e.g. an HR user's id or email). minLength 1; maxLength 200
    decided_by: str
    # The new employee's id in each target system, by connector name; 'default' serves connectors not named.
    # maxProperties 50
    employee_ids: NotRequired[dict[str, str]]
    # format "date"
    start_date: NotRequired[str]
    # maxLength 2000
    note: NotRequired[str]


class CanonicalDocumentResult(TypedDict):
    """The object at CanonicalDocument#/result."""

    id: str
    external_id: str
    job_code: str
    # From the competency model the profile was scored with (sales, rnd), or null
    job_family: str | None


class CanonicalDocumentCandidate(TypedDict):
    """Personal data, decrypted for the delivery only; name, email and phone are null when the front end did not send
    them.
    """

    external_id: str
    name: str | None
    email: str | None
    phone: str | None


class CanonicalDocumentEmployee(TypedDict):
    """The object at CanonicalDocument#/employee."""

    # The employee id recorded at the decision for this connector (or 'default'); null before a hire
    id: str | None
    # format "date"
    start_date: str | None


class CanonicalDocumentDimensionEvidenceItem(TypedDict):
    """The object at CanonicalDocument#/$defs/dimension/evidence/*. JSON Schema: other members are allowed."""

    quote: str


class CanonicalDocumentDimension(TypedDict):
    """The object at CanonicalDocument#/$defs/dimension. JSON Schema: other members are allowed."""

    # The dimension's name by language (zh, en)
    name: NotRequired[dict[str, str]]
    # minimum 0; maximum 100
    score: float | None
    # minimum 1; maximum 5
    level: int | None
    # minimum 0; maximum 1
    confidence: float
    insufficient: bool
    evidence: list[CanonicalDocumentDimensionEvidenceItem]
    missing_star: list[Literal["situation", "task", "action", "result"]]


class CanonicalDocumentProfilePreferences(TypedDict):
    """The object at CanonicalDocument#/$defs/profile/preferences. JSON Schema: other members are allowed."""

    work_schedule: Literal["fixed", "flexible"] | None
    preferred_hours: dict[str, Any] | None


class CanonicalDocumentProfile(TypedDict):
    """The object at CanonicalDocument#/$defs/profile. JSON Schema: other members are allowed."""

    engine: NotRequired[dict[str, Any]]
    model: str | None
    source: NotRequired[str]
    dimensions: dict[str, CanonicalDocumentDimension]
    # The weighted overall score, a bare number (null when nothing could be scored). minimum 0; maximum 100
    overall: float | None
    insufficient: list[str]
    preferences: CanonicalDocumentProfilePreferences
    suggestions: NotRequired[list[Any]]
    advisory: NotRequired[Literal[True]]
    code: NotRequired[list[Any]]


class CanonicalDocumentPolicy(TypedDict):
    """The object at CanonicalDocument#/policy."""

    name: str
    version: str


class CanonicalDocumentFiredItem(TypedDict):
    """The object at CanonicalDocument#/fired/*."""

    rule: str
    output: str
    reason: str


PerformancePlanLocalized: TypeAlias = "str | dict[str, str]"


class PerformancePlanGoalRationale(TypedDict):
    """The object at PerformancePlan/goals/*/rationale. JSON Schema: other members are allowed."""

    rule: str
    # pattern "^[^@]+@.+$"
    policy: str
    dimension: str | None
    score: float | None
    condition: str
    reason: NotRequired[str]


class PerformancePlanGoal(TypedDict):
    """The object at PerformancePlan/goals/*. JSON Schema: other members are allowed."""

    key: str
    name: PerformancePlanLocalized
    metric: PerformancePlanLocalized
    target: float
    unit: str
    # minimum 0; maximum 100
    weight: float
    period: str
    rationale: PerformancePlanGoalRationale


class PerformancePlan(TypedDict):
    """PerformancePlan (canonical). JSON Schema: other members are allowed."""

    # A quarter like 2027-Q1 or an ISO interval like 2027-01-11/2027-07-10
    period: str
    goals: list[PerformancePlanGoal]


class AttendanceRuleSpan(TypedDict):
    """The object at AttendanceRule#/$defs/span. JSON Schema: other members are allowed."""

    # pattern "^([01][0-9]|2[0-9]):[0-5][0-9]$"
    start: str
    # pattern "^([01][0-9]|2[0-9]):[0-5][0-9]$"
    end: str


class AttendanceRuleFlexibleWindow(TypedDict):
    """The object at AttendanceRule/flexible_window. JSON Schema: other members are allowed."""

    # pattern "^([01][0-9]|2[0-9]):[0-5][0-9]$"
    earliest_start: str
    # pattern "^([01][0-9]|2[0-9]):[0-5][0-9]$"
    latest_end: str


class AttendanceRuleProbation(TypedDict):
    """The object at AttendanceRule/probation. JSON Schema: other members are allowed."""

    # minimum 0
    months: int
    # minimum 0
    late_arrivals_allowed_per_month: int


class AttendanceRuleOvertimeCap(TypedDict):
    """The object at AttendanceRule/overtime_cap. JSON Schema: other members are allowed."""

    # minimum 0
    occasions: int
    period: Literal["week", "month", "quarter", "year"]


class AttendanceRuleRationaleItem(TypedDict):
    """The object at AttendanceRule/rationale/*. JSON Schema: other members are allowed."""

    rule: str
    reason: str


class AttendanceRule(TypedDict):
    """AttendanceRule (canonical). JSON Schema: other members are allowed; the schema also combines required fields
    (anyOf/oneOf/allOf) that the hub checks.
    """

    schedule_type: Literal["fixed", "flexible", "shift"]
    # uniqueItems true
    workdays: list[int]
    work_hours: NotRequired[AttendanceRuleSpan]
    core_hours: NotRequired[AttendanceRuleSpan]
    flexible_window: NotRequired[AttendanceRuleFlexibleWindow]
    breaks: NotRequired[list[AttendanceRuleSpan]]
    probation: AttendanceRuleProbation
    overtime_cap: AttendanceRuleOvertimeCap | None
    holiday_calendar: str
    rationale: list[AttendanceRuleRationaleItem]


class CanonicalDocumentConnector(TypedDict):
    """The object at CanonicalDocument#/connector."""

    name: str
    settings: dict[str, Any]


class CanonicalDocument(TypedDict):
    """One document per sync job: the result, the candidate, the employee, the scored profile, and the plan and
    attendance rule the policy derived. The hub builds it with mappings.document.assemble;
    mappings.sample_document() and docs/mappings.md show the same shape.
    """

    event: Literal["candidate.hired", "result.scored"]
    # minLength 1
    job_id: str
    # format "date-time"
    occurred_at: str
    result: CanonicalDocumentResult
    # Personal data, decrypted for the delivery only; name, email and phone are null when the front end did not
    # send them
    candidate: CanonicalDocumentCandidate
    employee: CanonicalDocumentEmployee
    profile: CanonicalDocumentProfile
    # minimum 1
    profile_version: int
    policy: CanonicalDocumentPolicy
    fired: list[CanonicalDocumentFiredItem]
    plan: PerformancePlan | None
    attendance: AttendanceRule | None
    connector: CanonicalDocumentConnector


class AcceptedLinks(TypedDict):
    """The object at Accepted#/links. JSON Schema: other members are allowed."""

    self: NotRequired[str]


class Accepted(TypedDict):
    """The object at Accepted#. JSON Schema: other members are allowed."""

    id: str
    external_id: str
    status: Literal["queued", "scored", "failed", "not_scored"]
    links: AcceptedLinks


class ProblemError(TypedDict):
    """The object at Problem#/errors/*. JSON Schema: other members are allowed."""

    pointer: NotRequired[str]
    message: NotRequired[str]


class Problem(TypedDict):
    """The object at Problem#. JSON Schema: other members are allowed."""

    type: str
    title: str
    status: int
    detail: NotRequired[str]
    instance: NotRequired[str]
    request_id: NotRequired[str]
    errors: NotRequired[list[ProblemError]]
