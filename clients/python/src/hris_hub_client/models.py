"""Typed models of the hub's published JSON Schemas (GENERATED: do not edit).

Made by clients/python/tools/generate_models.py from /api/v1/schemas/ (interview-result, decision,
canonical-document) and the Accepted and Problem components of /api/v1/openapi.json;
tests/clients/test_models.py fails when this file and the schemas drift apart. Run the script again after
a schema changes.
"""

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


class InterviewResultAnswer(TypedDict):
    """The object at InterviewResult#/answers/*. JSON Schema: the schema also combines required fields
    (anyOf/oneOf/allOf) that the hub checks.
    """

    # Source code answering a coding task; run in the sandbox against the task's tests. minLength 1; maxLength
    # 65536
    code: NotRequired[str]
    # zh or en for text; the programming language for code (python)
    language: NotRequired[Literal["zh", "en", "python"]]
    # The question's id, or for code the coding task's id (e.g. quicksort). minLength 1; maxLength 100
    question_id: str
    # The answer as typed, or the transcript of a spoken answer. maxLength 20000
    text: NotRequired[str]
    # True when the text is a speech-to-text transcript
    transcript: NotRequired[bool]


class InterviewResultCandidate(TypedDict):
    """The object at InterviewResult#/candidate."""

    # pattern "^[^@\\s]+@[^@\\s]+$"; maxLength 320
    email: NotRequired[str]
    # The front end's id for the candidate. pattern "^[^\\u0000-\\u001f\\u007f]{1,200}$"
    external_id: str
    # A national id or passport number; stored encrypted. maxLength 64
    id_number: NotRequired[str]
    # maxLength 200
    name: NotRequired[str]
    # maxLength 40
    phone: NotRequired[str]


class InterviewResultConsent(TypedDict):
    """The candidate's consent to automated assessment (PIPL, GDPR, Illinois AIVI)."""

    # format "date-time"
    given_at: str
    # minLength 1; maxLength 50
    notice_version: str
    # maxItems 10
    scopes: NotRequired[list[Literal["scoring", "transfer_to_hr_systems", "retention"]]]


class InterviewResultPreferencesPreferredHours(TypedDict):
    """The object at InterviewResult#/preferences/preferred_hours."""

    # pattern "^([01][0-9]|2[0-3]):[0-5][0-9]$"
    end: str
    # pattern "^([01][0-9]|2[0-3]):[0-5][0-9]$"
    start: str


class InterviewResultPreferences(TypedDict):
    """The object at InterviewResult#/preferences."""

    preferred_hours: NotRequired[InterviewResultPreferencesPreferredHours]
    work_schedule: NotRequired[Literal["fixed", "flexible"]]


class InterviewResultScores(TypedDict):
    """Scores another engine already produced; validated and used as is, tagged with their source."""

    # minProperties 1; maxProperties 50
    dimensions: dict[str, float]
    # The competency model the dimensions belong to (e.g. sales, rnd). maxLength 100
    model: NotRequired[str]
    # pattern "^[A-Za-z0-9_.:-]{1,100}$"
    source: str


class InterviewResult(TypedDict):
    """One candidate's interview as a front end (e.g. a WeChat mini-program backend) posts it: answers to score, or
    scores another engine produced, plus stated preferences and the consent record. JSON Schema: the schema also
    combines required fields (anyOf/oneOf/allOf) that the hub checks.
    """

    # maxItems 200
    answers: NotRequired[list[InterviewResultAnswer]]
    candidate: InterviewResultCandidate
    # The candidate's consent to automated assessment (PIPL, GDPR, Illinois AIVI)
    consent: InterviewResultConsent
    # The front end's own id for this interview; posting it again replays the first answer. pattern
    # "^[^\\u0000-\\u001f\\u007f]{1,200}$"
    external_id: str
    # The job the candidate interviewed for, as HR IT configured it (letters, digits, . _ : -). pattern
    # "^[A-Za-z0-9_.:-]{1,100}$"
    job_code: str
    preferences: NotRequired[InterviewResultPreferences]
    # Scores another engine already produced; validated and used as is, tagged with their source
    scores: NotRequired[InterviewResultScores]
    # format "date-time"
    submitted_at: NotRequired[str]


class Decision(TypedDict):
    """A person's hire decision on a result. Scores are advisory; this is what sends goals and attendance rules to HR
    systems.
    """

    # Who decided (a person, e.g. an HR user's id or email). minLength 1; maxLength 200
    decided_by: str
    # The new employee's id in each target system, by connector name; 'default' serves connectors not named.
    # maxProperties 50
    employee_ids: NotRequired[dict[str, str]]
    hired: bool
    # maxLength 2000
    note: NotRequired[str]
    # format "date"
    start_date: NotRequired[str]


class AttendanceRuleSpan(TypedDict):
    """The object at AttendanceRule#/$defs/span. JSON Schema: other members are allowed."""

    # pattern "^([01][0-9]|2[0-9]):[0-5][0-9]$"
    end: str
    # pattern "^([01][0-9]|2[0-9]):[0-5][0-9]$"
    start: str


class AttendanceRuleFlexibleWindow(TypedDict):
    """The object at AttendanceRule/flexible_window. JSON Schema: other members are allowed."""

    # pattern "^([01][0-9]|2[0-9]):[0-5][0-9]$"
    earliest_start: str
    # pattern "^([01][0-9]|2[0-9]):[0-5][0-9]$"
    latest_end: str


class AttendanceRuleOvertimeCap(TypedDict):
    """The object at AttendanceRule/overtime_cap. JSON Schema: other members are allowed."""

    # minimum 0
    occasions: int
    period: Literal["week", "month", "quarter", "year"]


class AttendanceRuleProbation(TypedDict):
    """The object at AttendanceRule/probation. JSON Schema: other members are allowed."""

    # minimum 0
    late_arrivals_allowed_per_month: int
    # minimum 0
    months: int


class AttendanceRuleRationaleItem(TypedDict):
    """The object at AttendanceRule/rationale/*. JSON Schema: other members are allowed."""

    reason: str
    rule: str


class AttendanceRule(TypedDict):
    """AttendanceRule (canonical). JSON Schema: other members are allowed; the schema also combines required fields
    (anyOf/oneOf/allOf) that the hub checks.
    """

    breaks: NotRequired[list[AttendanceRuleSpan]]
    core_hours: NotRequired[AttendanceRuleSpan]
    flexible_window: NotRequired[AttendanceRuleFlexibleWindow]
    holiday_calendar: str
    overtime_cap: AttendanceRuleOvertimeCap | None
    probation: AttendanceRuleProbation
    rationale: list[AttendanceRuleRationaleItem]
    schedule_type: Literal["fixed", "flexible", "shift"]
    work_hours: NotRequired[AttendanceRuleSpan]
    # uniqueItems true
    workdays: list[int]


class CanonicalDocumentCandidate(TypedDict):
    """Personal data, decrypted for the delivery only; name, email and phone are null when the front end did not send
    them.
    """

    email: str | None
    external_id: str
    name: str | None
    phone: str | None


class CanonicalDocumentConnector(TypedDict):
    """The object at CanonicalDocument#/connector."""

    name: str
    settings: dict[str, Any]


class CanonicalDocumentEmployee(TypedDict):
    """The object at CanonicalDocument#/employee."""

    # The employee id recorded at the decision for this connector (or 'default'); null before a hire
    id: str | None
    # format "date"
    start_date: str | None


class CanonicalDocumentFiredItem(TypedDict):
    """The object at CanonicalDocument#/fired/*."""

    output: str
    reason: str
    rule: str


PerformancePlanLocalized: TypeAlias = str | dict[str, str]


class PerformancePlanGoalRationale(TypedDict):
    """The object at PerformancePlan/goals/*/rationale. JSON Schema: other members are allowed."""

    condition: str
    dimension: str | None
    # pattern "^[^@]+@.+$"
    policy: str
    reason: NotRequired[str]
    rule: str
    score: float | None


class PerformancePlanGoal(TypedDict):
    """The object at PerformancePlan/goals/*. JSON Schema: other members are allowed."""

    key: str
    metric: PerformancePlanLocalized
    name: PerformancePlanLocalized
    period: str
    rationale: PerformancePlanGoalRationale
    target: float
    unit: str
    # minimum 0; maximum 100
    weight: float


class PerformancePlan(TypedDict):
    """PerformancePlan (canonical). JSON Schema: other members are allowed."""

    goals: list[PerformancePlanGoal]
    # A quarter like 2027-Q1 or an ISO interval like 2027-01-11/2027-07-10
    period: str


class CanonicalDocumentPolicy(TypedDict):
    """The object at CanonicalDocument#/policy."""

    name: str
    version: str


class CanonicalDocumentDimensionEvidenceItem(TypedDict):
    """The object at CanonicalDocument#/$defs/dimension/evidence/*. JSON Schema: other members are allowed."""

    quote: str


class CanonicalDocumentDimension(TypedDict):
    """The object at CanonicalDocument#/$defs/dimension. JSON Schema: other members are allowed."""

    # minimum 0; maximum 1
    confidence: float
    evidence: list[CanonicalDocumentDimensionEvidenceItem]
    insufficient: bool
    # minimum 1; maximum 5
    level: int | None
    missing_star: list[Literal["situation", "task", "action", "result"]]
    # The dimension's name by language (zh, en)
    name: NotRequired[dict[str, str]]
    # minimum 0; maximum 100
    score: float | None


class CanonicalDocumentProfilePreferences(TypedDict):
    """The object at CanonicalDocument#/$defs/profile/preferences. JSON Schema: other members are allowed."""

    preferred_hours: dict[str, Any] | None
    work_schedule: Literal["fixed", "flexible"] | None


class CanonicalDocumentProfile(TypedDict):
    """The object at CanonicalDocument#/$defs/profile. JSON Schema: other members are allowed."""

    advisory: NotRequired[Literal[True]]
    code: NotRequired[list[Any]]
    dimensions: dict[str, CanonicalDocumentDimension]
    engine: NotRequired[dict[str, Any]]
    insufficient: list[str]
    model: str | None
    # The weighted overall score, a bare number (null when nothing could be scored). minimum 0; maximum 100
    overall: float | None
    preferences: CanonicalDocumentProfilePreferences
    source: NotRequired[str]
    suggestions: NotRequired[list[Any]]


class CanonicalDocumentResult(TypedDict):
    """The object at CanonicalDocument#/result."""

    external_id: str
    id: str
    job_code: str
    # From the competency model the profile was scored with (sales, rnd), or null
    job_family: str | None


class CanonicalDocument(TypedDict):
    """One document per sync job: the result, the candidate, the employee, the scored profile, and the plan and
    attendance rule the policy derived. The hub builds it with mappings.document.assemble;
    mappings.sample_document() and docs/mappings.md show the same shape.
    """

    attendance: AttendanceRule | None
    # Personal data, decrypted for the delivery only; name, email and phone are null when the front end did not
    # send them
    candidate: CanonicalDocumentCandidate
    connector: CanonicalDocumentConnector
    employee: CanonicalDocumentEmployee
    event: Literal["candidate.hired", "result.scored"]
    fired: list[CanonicalDocumentFiredItem]
    # minLength 1
    job_id: str
    # format "date-time"
    occurred_at: str
    plan: PerformancePlan | None
    policy: CanonicalDocumentPolicy
    profile: CanonicalDocumentProfile
    # minimum 1
    profile_version: int
    result: CanonicalDocumentResult


class AcceptedLinks(TypedDict):
    """The object at Accepted#/links. JSON Schema: other members are allowed."""

    self: NotRequired[str]


class Accepted(TypedDict):
    """The object at Accepted#. JSON Schema: other members are allowed."""

    external_id: str
    id: str
    links: AcceptedLinks
    status: Literal["queued", "scored", "failed", "not_scored"]


class ProblemError(TypedDict):
    """The object at Problem#/errors/*. JSON Schema: other members are allowed."""

    message: NotRequired[str]
    pointer: NotRequired[str]


class Problem(TypedDict):
    """The object at Problem#. JSON Schema: other members are allowed."""

    detail: NotRequired[str]
    errors: NotRequired[list[ProblemError]]
    instance: NotRequired[str]
    request_id: NotRequired[str]
    status: int
    title: str
    type: str
