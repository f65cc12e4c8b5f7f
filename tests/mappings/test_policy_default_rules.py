"""The default policy's rules, each firing and not firing at its boundaries."""

from __future__ import annotations

import pytest

from mappings import load_policy
from mappings.schema_validation import first_violation, packaged_validator

SALES = {"job_code": "SALES-KA-01", "job_family": "sales", "start_date": "2027-04-06"}
RND = {"job_code": "RND-ML-02", "job_family": "rnd", "start_date": "2027-01-11"}


@pytest.fixture(scope="module")
def policy():
    return load_policy("default")


def goals_by_key(outcome):
    return {goal["key"]: goal for goal in outcome.plan["goals"]}


def fired_outputs(outcome):
    return {(output.rule, output.output) for output in outcome.fired}


@pytest.mark.parametrize("score, fires", [(79, False), (79.9, False), (80, True), (81, True)])
def test_data_report_goal_boundary(policy, score, fires, make_profile):
    outcome = policy.evaluate(make_profile(data_analysis=score, technical_skill=50, responsibility=75), RND)
    goal = goals_by_key(outcome).get("data_report_completion_rate")
    assert (goal is not None) == fires
    if fires:
        assert goal["target"] == 95 and goal["unit"] == "%"
        assert goal["name"] == {"zh": "季度数据报告完成率", "en": "Quarterly data report completion rate"}
        assert goal["rationale"]["dimension"] == "data_analysis"
        assert goal["rationale"]["score"] == score
        assert ("data-report-goal", "goal:data_report_completion_rate") in fired_outputs(outcome)
        assert f"data_analysis {score:g} >= 80" in [output.reason for output in outcome.fired]
    else:
        assert {"rule": "data-report-goal", "reason": f"data_analysis {score:g} < 80"} in [
            skip.to_dict() for skip in outcome.not_fired
        ]


@pytest.mark.parametrize("score, fires", [(89, False), (90, True), (91, True)])
def test_sales_conversion_goal_boundary(policy, score, fires, make_profile):
    outcome = policy.evaluate(make_profile(communication=score, stress_tolerance=85, responsibility=75), SALES)
    goal = goals_by_key(outcome).get("quarterly_conversion_rate")
    assert (goal is not None) == fires
    if fires:
        assert goal["target"] == 25  # team average 20 + 5 points
        assert goal["name"]["zh"] == "季度客户转化率"
        assert goal["period"] == "2027-Q2"
        assert goal["rationale"]["condition"] == "job_family in [sales] and communication >= 90"


def test_conversion_goal_only_for_sales(policy, make_profile):
    outcome = policy.evaluate(make_profile(communication=99, technical_skill=50, responsibility=75), RND)
    assert "quarterly_conversion_rate" not in goals_by_key(outcome)
    assert any(skip.rule == "sales-conversion-goal" and "not in [sales]" in skip.reason for skip in outcome.not_fired)


def test_conversion_target_follows_the_team_average_parameter(write_policy, make_profile):
    path = write_policy(lambda data: data["job_families"]["sales"]["parameters"].update(team_conversion_rate=31))
    outcome = load_policy(path).evaluate(make_profile(communication=95, stress_tolerance=90), SALES)
    assert goals_by_key(outcome)["quarterly_conversion_rate"]["target"] == 36


@pytest.mark.parametrize("score, capped", [(79, True), (80, False), (81, False)])
def test_sales_overtime_cap_boundary(policy, score, capped, make_profile):
    outcome = policy.evaluate(make_profile(communication=70, stress_tolerance=score, responsibility=75), SALES)
    assert outcome.attendance["overtime_cap"] == ({"occasions": 10, "period": "quarter"} if capped else None)


def test_overtime_cap_not_for_rnd(policy, make_profile):
    outcome = policy.evaluate(make_profile(stress_tolerance=10, technical_skill=50, responsibility=75), RND)
    assert outcome.attendance["overtime_cap"] is None


@pytest.mark.parametrize("score, fires", [(89, False), (90, True), (91, True)])
def test_rnd_model_accuracy_boundary(policy, score, fires, make_profile):
    outcome = policy.evaluate(make_profile(technical_skill=score, data_analysis=50, responsibility=75), RND)
    goal = goals_by_key(outcome).get("model_accuracy")
    assert (goal is not None) == fires
    if fires:
        assert goal["target"] == 95 and goal["name"]["en"] == "Model accuracy"


@pytest.mark.parametrize("score, allowed", [(59, 0), (60, 0), (61, 1), (89, 1), (90, 2), (91, 2)])
def test_probation_late_arrivals_boundaries(policy, score, allowed, make_profile):
    outcome = policy.evaluate(make_profile(communication=70, stress_tolerance=85, responsibility=score), SALES)
    assert outcome.attendance["probation"]["late_arrivals_allowed_per_month"] == allowed
    late_rules = {output.rule for output in outcome.fired if output.output.startswith("attendance:probation")}
    expected = {0: {"late-arrivals-low-responsibility"}, 1: set(), 2: {"late-arrivals-high-responsibility"}}
    assert late_rules == expected[allowed]


def test_probation_months_parameter_per_job_family(policy, make_profile):
    assert policy.evaluate(make_profile(responsibility=75), SALES).attendance["probation"]["months"] == 3
    assert policy.evaluate(make_profile(responsibility=75), RND).attendance["probation"]["months"] == 6


def test_fixed_schedule_by_default(policy, make_profile):
    attendance = policy.evaluate(make_profile(responsibility=75), SALES).attendance
    assert attendance["schedule_type"] == "fixed"
    assert attendance["work_hours"] == {"start": "09:00", "end": "18:00"}
    assert "core_hours" not in attendance and "flexible_window" not in attendance
    assert attendance["workdays"] == [1, 2, 3, 4, 5]
    assert attendance["holiday_calendar"] == "CN"


def test_flexible_preference_gives_core_hours(policy, make_profile):
    attendance = policy.evaluate(make_profile("flexible", responsibility=75), SALES).attendance
    assert attendance["schedule_type"] == "flexible"
    assert attendance["core_hours"] == {"start": "10:00", "end": "16:00"}
    assert attendance["flexible_window"] == {"earliest_start": "08:00", "latest_end": "19:00"}


@pytest.mark.parametrize(
    "profile_preference, stated, expected",
    [
        ("fixed", "flexible", "flexible"),
        ("flexible", "fixed", "fixed"),
        ("flexible", None, "flexible"),
        (None, None, "fixed"),
    ],
)
def test_stated_preference_overrides_profile(policy, profile_preference, stated, expected, make_profile):
    context = {**SALES, "preferences": {"work_schedule": stated}}
    outcome = policy.evaluate(make_profile(profile_preference, responsibility=75), context)
    assert outcome.attendance["schedule_type"] == expected


def test_insufficient_dimension_never_fires_and_says_so(policy, make_profile):
    profile = make_profile(communication=None, stress_tolerance=None, responsibility=None)
    outcome = policy.evaluate(profile, SALES)
    undetermined = {skip.rule: skip.reason for skip in outcome.undetermined}
    assert "insufficient" in undetermined["sales-conversion-goal"]
    assert "insufficient" in undetermined["sales-overtime-cap"]
    assert set(undetermined) >= {"late-arrivals-high-responsibility", "late-arrivals-low-responsibility"}
    assert "data_analysis missing from the profile" == undetermined["data-report-goal"]
    assert outcome.plan["goals"] == []
    assert outcome.attendance["overtime_cap"] is None
    # The policy default applies, and the rationale says it was the default.
    assert outcome.attendance["probation"]["late_arrivals_allowed_per_month"] == 1
    assert "probation.late_arrivals_allowed_per_month" in outcome.attendance["rationale"][-1]["fields"]


def test_dimension_listed_in_profile_insufficient_counts_as_insufficient(policy, make_profile):
    profile = make_profile(data_analysis=95, technical_skill=50)
    profile["insufficient"] = ["data_analysis"]  # the per-dimension flag says otherwise; the list wins
    outcome = policy.evaluate(profile, RND)
    assert "data_report_completion_rate" not in goals_by_key(outcome)
    assert [skip.rule for skip in outcome.undetermined if skip.rule == "data-report-goal"]


def test_score_none_without_flag_is_undetermined(policy, make_profile):
    profile = make_profile(technical_skill=50)
    profile["dimensions"]["data_analysis"] = {"score": None, "level": None, "insufficient": False}
    outcome = policy.evaluate(profile, RND)
    assert {"rule": "data-report-goal", "reason": "data_analysis has no score"} in [
        skip.to_dict() for skip in outcome.undetermined
    ]


def test_missing_job_family_is_undetermined_not_guessed(policy, make_profile):
    outcome = policy.evaluate(make_profile(communication=95), {"start_date": "2027-01-11"})
    assert any(
        skip.rule == "sales-conversion-goal" and "job_family not given" in skip.reason for skip in outcome.undetermined
    )


def test_weights_normalised_to_100(policy, make_profile):
    outcome = policy.evaluate(make_profile(data_analysis=86, technical_skill=93, responsibility=92), RND)
    weights = [goal["weight"] for goal in outcome.plan["goals"]]
    assert weights == [42.86, 57.14]  # raw 30 and 40
    assert sum(weights) == pytest.approx(100)


def test_three_equal_weights_sum_to_exactly_100(write_policy, make_profile):
    def equal_weights(data):
        for rule in data["rules"]:
            if "goal" in rule["then"]:
                rule["then"]["goal"]["weight"] = 1
                rule["when"] = {"dimension": "teamwork", "op": ">=", "value": 0}

    outcome = load_policy(write_policy(equal_weights)).evaluate(make_profile(teamwork=50), SALES)
    assert [goal["weight"] for goal in outcome.plan["goals"]] == [33.33, 33.33, 33.34]


def test_rationale_cites_policy_name_and_version(write_policy, make_profile):
    def rename(data):
        data["name"], data["version"] = "acme-hr", "2027.2"

    outcome = load_policy(write_policy(rename)).evaluate(make_profile(data_analysis=88), RND)
    result = outcome.to_dict()
    assert result["policy"] == {"name": "acme-hr", "version": "2027.2"}
    assert result["plan"]["goals"][0]["rationale"]["policy"] == "acme-hr@2027.2"
    assert "acme-hr@2027.2" in result["attendance"]["rationale"][-1]["reason"]


def test_outcome_matches_the_canonical_schemas(policy, make_profile):
    outcome = policy.evaluate(make_profile("flexible", data_analysis=86, technical_skill=93, responsibility=92), RND)
    data = outcome.to_dict()
    assert first_violation(packaged_validator("performance-plan.schema.json"), data["plan"]) is None
    assert first_violation(packaged_validator("attendance-rule.schema.json"), data["attendance"]) is None
    assert set(data) >= {"policy", "plan", "attendance", "fired"}
    for fired in data["fired"]:
        assert set(fired) == {"rule", "output", "reason"}
        assert fired["output"].split(":")[0] in ("goal", "attendance")


def test_probation_period_plan(write_policy, make_profile):
    outcome = load_policy(write_policy(lambda data: data.update(plan={"period": "probation"}))).evaluate(
        make_profile(data_analysis=90, technical_skill=50), RND
    )
    assert outcome.plan["period"] == "2027-01-11/2027-07-10"  # six months for R&D
    assert outcome.plan["goals"][0]["period"] == "2027-01-11/2027-07-10"


def test_bad_start_date_is_an_input_error(policy, make_profile):
    from mappings import InputError

    with pytest.raises(InputError) as caught:
        policy.evaluate(make_profile(), {"start_date": "11/01/2027"})
    assert caught.value.pointer == "/start_date"


# An honest candidate and a blame-shifter, each telling a mistake with an order in good STAR form, scored by the real
# engine: the honest one must never get a stricter probation late-arrival allowance than the one who shifted blame.
OWNERSHIP_PAIRS = {
    "en": (
        (
            "Two years ago I booked a client's spring trade-fair stand for the wrong week. When the organiser's email came I "
            "saw the mistake was mine, so I rang the client that morning and said so plainly. I swapped our slot with "
            "another exhibitor, paid the change fee out of my own commission and drove the printed banners over myself. "
            "The stand opened on the right day, the client signed for the autumn fair too, and I now check every booking "
            "against the client's calendar before I confirm it."
        ),
        (
            "Two years ago a client's spring trade-fair stand ended up booked for the wrong week. When the organiser's "
            "email came I rang the client that morning and explained that our events coordinator had entered the dates, "
            "so it was her fault and nothing to do with me. I asked her to fix the booking and to pay the change fee from "
            "her budget. The stand opened on the right day and the client signed for the autumn fair too."
        ),
    ),
    "zh": (
        (
            "两年前我把一位客户春季展会的展位订错了一周。收到主办方的邮件时，我发现是我自己弄错的，当天上午就给客户打电话如实说明。"
            "我和另一家参展商换了时段，改期费用从我自己的提成里出，还亲自把印好的横幅送了过去。"
            "展位按时开放，客户还签下了秋季展会，现在每次确认预订前我都会先和客户的日程核对一遍。"
        ),
        (
            "两年前一位客户春季展会的展位被订错了一周。收到主办方的邮件时，我当天上午就给客户打电话解释，"
            "说日期是活动协调员录入的，是她的错，跟我没关系。我让她去改预订，改期费用从她的预算里出。"
            "展位按时开放，客户还签下了秋季展会。"
        ),
    ),
}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_honest_candidate_never_gets_a_stricter_late_allowance_than_a_blame_shifter(policy, language):
    from scoring_engine.interview import load_competency_model, score_interview

    model = load_competency_model("sales")
    honest_text, blaming_text = OWNERSHIP_PAIRS[language]

    def profile(text):
        answers = [{"question_id": "sales_mistake", "text": text, "language": language}]
        return score_interview(answers, model, use_embeddings=False).to_dict()

    honest, blaming = profile(honest_text), profile(blaming_text)
    assert honest["dimensions"]["responsibility"]["score"] > blaming["dimensions"]["responsibility"]["score"]
    allowed = {
        name: policy.evaluate(candidate, SALES).attendance["probation"]["late_arrivals_allowed_per_month"]
        for name, candidate in (("honest", honest), ("blaming", blaming))
    }
    assert allowed["honest"] >= allowed["blaming"], (honest["dimensions"], blaming["dimensions"])
    # The blame-shifter is capped at level 2 (<= 60: none allowed); the honest one is above the bottom band.
    assert allowed["blaming"] == 0 and allowed["honest"] >= 1
