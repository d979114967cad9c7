"""The recommendation checklist: answers and figures in, a verdict with its reasons out.

Every reason comes from a rule in `data/criteria.yaml` with its source; the rules on figures
read the same `EstimateOut` the rest of the tool shows. A vendor is ruled out when an answer
requires what it lacks (an SDK in your language, self-hosting under an open-source licence) or
when none of its options can run the workload. Among the others the verdict is the vendor with
the most weight behind it (the criteria's default vendor on a tie), and the option recommended is
that vendor's cheapest that can run the workload (a self-hosted one when self-hosting is
required).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from model.result import EstimateOut, OptionOut
from pricing.criteria import Criteria, NumberRule

__all__ = ["Finding", "Recommendation", "recommend"]


Kind = Literal["answer", "figures", "default", "excludes"]


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    kind: Kind
    favours: str
    """The vendor the finding is about: favoured by `weight`, or ruled out (`excludes`)."""
    favours_name: str
    weight: float
    reason: str
    source_url: str
    source_title: str


class Recommendation(BaseModel):
    model_config = ConfigDict(frozen=True)

    vendor: str | None
    """None when every vendor priced is ruled out."""
    vendor_name: str | None
    option: str | None
    option_name: str | None
    monthly_usd: float | None
    scores: dict[str, float]
    excluded: dict[str, str] = {}
    """Vendor -> why it is ruled out."""
    findings: list[Finding]
    answers: dict[str, str]
    """The answers given; a question not answered is in `unanswered` and weighs nothing."""
    unanswered: dict[str, str] = {}
    """Question id -> its text, for every question not answered."""
    summary: str


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _finding(
    criteria: Criteria, rule_id: str, kind: Kind, vendor: str, weight: float, reason: str, source_key: str
) -> Finding:
    source = criteria.sources[source_key]
    return Finding(
        rule=rule_id,
        kind=kind,
        favours=vendor,
        favours_name=criteria.vendors[vendor].name,
        weight=weight,
        reason=reason,
        source_url=str(source.url),
        source_title=source.title,
    )


def _cost_finding(rule: NumberRule, criteria: Criteria, options: list[OptionOut]) -> Finding | None:
    ranked = sorted(options, key=lambda o: o.monthly_usd)
    if len(ranked) < 2:
        return None
    best = ranked[0]
    vendor = criteria.vendor_of(best.id)
    if vendor is None:
        return None
    runner = next((o for o in ranked[1:] if criteria.vendor_of(o.id) != vendor), ranked[1])
    saving = runner.monthly_usd - best.monthly_usd
    share = saving / runner.monthly_usd if runner.monthly_usd > 0 else 0.0
    weight = rule.weight if share >= rule.threshold else rule.weight_close
    text = rule.reason.format(
        cheapest=best.name,
        cheapest_usd=_money(best.monthly_usd),
        saving=_money(saving),
        saving_share=f"{share:.0%}",
        runner_up=runner.name,
    )
    if share < rule.threshold:
        text += " The difference is small: let the other answers decide."
    if weight <= 0:
        return None
    return _finding(criteria, rule.id, "figures", vendor, weight, text, rule.source)


@dataclass(frozen=True)
class _Crossed:
    """A hard limit one run of an option passes: as designed (then `design` names what gets around
    it), or as priced."""

    name: str
    shown: str
    step: float | None
    advice: str | None
    avoidable: bool
    design: str | None = None


def _crossed(option: OptionOut) -> list[_Crossed]:
    found = [
        _Crossed(x.name, x.shown, x.steps_until_limit, x.advice, x.avoidable)
        for x in option.limits
        if x.exceeded and x.hard and not x.lifted
    ]
    for reason in option.fit.reasons:
        if reason.code == "limit_lifted":
            v = reason.data
            step = v.get("step")
            found.append(
                _Crossed(
                    str(v.get("name")),
                    str(v.get("shown")),
                    float(step) if isinstance(step, float | int) else None,
                    None,
                    False,
                    str(v.get("design")),
                )
            )
    return found


def _limits_finding(rule: NumberRule, criteria: Criteria, result: EstimateOut) -> Finding | None:
    assert rule.checks is not None and rule.favours is not None
    checked = [o for o in result.options if criteria.vendor_of(o.id) == rule.checks]
    crossed = [(o, _crossed(o)) for o in checked]
    if not checked or not all(found for _, found in crossed):
        return None
    option, found = min(crossed, key=lambda item: item[0].monthly_usd)
    blocked = [x for x in found if not x.avoidable]
    limit = min(blocked or found, key=lambda x: x.step or 0.0)
    weight = rule.weight_blocked if blocked else rule.weight
    restart = option.restart
    if limit.design is not None:
        remedy = f"it is priced as {limit.design}, which the team has to build and run."
    elif blocked:
        remedy = limit.advice or "the run must change shape to stay inside it."
        if restart is not None:
            remedy = f"{restart.name} cannot fix that. {remedy}"
    elif restart is not None:
        remedy = f"it needs {restart.name} ({restart.segments} segments per run)."
    else:
        remedy = limit.advice or ""
    step = f"{limit.step:,.0f}" if limit.step is not None else "1"
    text = rule.reason.format(option=option.name, limit=f"{limit.shown} {limit.name.lower()}", step=step, remedy=remedy)
    if weight <= 0:
        return None
    return _finding(criteria, rule.id, "figures", rule.favours, weight, text, rule.source)


_WHY = {
    "no_published_plan": "price not public past the published plans",
    "past_published_tier": "price not public past the published tiers",
    "requirements_unmet": "no plan meets your requirements",
    "pinned_plan_refused": "your pinned plan cannot take it",
    "no_plan": "no plan takes it",
}


def _why(option: OptionOut) -> str:
    """What keeps an option from this workload, in the tables' own names for its limits."""
    said = []
    for reason in option.fit.reasons:
        if reason.code == "limit_passed":
            name = str(reason.data.get("name", "")).lower()
            said.append(
                f"{name}: none allowed"
                if reason.data.get("none_allowed")
                else f"{name} past {reason.data.get('shown')}"
            )
        elif reason.code in _WHY:
            said.append(_WHY[reason.code])
    return f"{option.name}: {', '.join(said) or option.fit.status.replace('_', ' ')}"


def recommend(criteria: Criteria, answers: Mapping[str, str], result: EstimateOut) -> Recommendation:
    """Weigh every rule that applies. A question not answered weighs nothing (no answer is
    assumed); an answer that is not one of a question's answers, or to no question, raises
    ValueError naming both."""
    questions = {q.id: q for q in criteria.questions}
    for question_id in answers:
        if question_id not in questions:
            raise ValueError(f"{question_id}: not a question; the questions: {', '.join(questions)}")
    given = dict(answers)
    for question_id, answer in given.items():
        allowed = [a.id for a in questions[question_id].answers]
        if answer not in allowed:
            raise ValueError(f"{question_id}: {answer!r} is not an answer; allowed: {', '.join(allowed)}")
    unanswered = {q.id: q.text for q in criteria.questions if q.id not in given}
    findings: list[Finding] = []
    excluded: dict[str, str] = {}
    hosting: str | None = None
    for rule in criteria.rules:
        if given.get(rule.question) not in rule.answers:
            continue
        if rule.requires_hosting is not None:
            hosting = rule.requires_hosting
        for vendor in rule.excludes:
            excluded.setdefault(vendor, rule.reason)
            findings.append(
                _finding(criteria, rule.id, "excludes", vendor, 0.0, f"Ruled out: {rule.reason}", rule.source)
            )
        if rule.favours is not None:
            findings.append(_finding(criteria, rule.id, "answer", rule.favours, rule.weight, rule.reason, rule.source))

    # The options that count: priced on this date, hosted as required.
    options = [o for o in result.options if hosting is None or o.hosting == hosting]
    for number_rule in criteria.number_rules:
        if number_rule.kind != "applicable":
            continue
        for vendor, info in criteria.vendors.items():
            mine = [o for o in options if o.id in info.options]
            if mine and not any(o.applicable for o in mine):
                why = "; ".join(sorted({_why(o) for o in mine}))
                excluded.setdefault(vendor, why)
                text = "Ruled out: " + number_rule.reason.format(vendor=info.name, why=why)
                findings.append(_finding(criteria, number_rule.id, "excludes", vendor, 0.0, text, number_rule.source))
    candidates = [o for o in options if o.applicable and criteria.vendor_of(o.id) not in excluded]
    for number_rule in criteria.number_rules:
        if number_rule.kind == "cost":
            found = _cost_finding(number_rule, criteria, candidates)
        elif number_rule.kind == "limits":
            found = _limits_finding(number_rule, criteria, result)
        else:
            continue
        if found is not None:
            findings.append(found)

    # Only vendors with an option that counts can be recommended; reasons for the others are
    # kept, unweighed, so the reader still sees them.
    counted = {o.id for o in candidates}
    scores = {v: 0.0 for v, info in criteria.vendors.items() if counted & set(info.options)}
    for index, finding in enumerate(findings):
        if finding.kind == "excludes":
            continue
        if finding.favours in scores:
            scores[finding.favours] += finding.weight
        else:
            why = (
                f"{criteria.vendors[finding.favours].name} is ruled out"
                if finding.favours in excluded
                else f"no {finding.favours_name} option is priced on {result.pricing_date}"
                + (f" as a {hosting} option" if hosting else "")
            )
            findings[index] = finding.model_copy(
                update={"weight": 0.0, "reason": f"{finding.reason} (Not weighed: {why}.)"}
            )
    findings.sort(key=lambda f: (f.kind == "excludes", -f.weight, f.rule))
    if not scores:
        reasons = "; ".join(f"{criteria.vendors[v].name}: {why}" for v, why in sorted(excluded.items()))
        return Recommendation(
            vendor=None,
            vendor_name=None,
            option=None,
            option_name=None,
            monthly_usd=None,
            scores={},
            excluded=excluded,
            findings=findings,
            answers=dict(given),
            unanswered=unanswered,
            summary=f"No vendor meets every requirement. {reasons}".strip(),
        )
    top = max(scores.values())
    leaders = [v for v, s in scores.items() if s == top]
    vendor = criteria.default_vendor if criteria.default_vendor in leaders else leaders[0]
    if len(leaders) > 1:
        findings.append(
            _finding(criteria, "default", "default", vendor, 0.0, criteria.default_reason, criteria.default_source)
        )
    option = min((o for o in candidates if o.id in criteria.vendors[vendor].options), key=lambda o: o.monthly_usd)
    summary = (
        f"{criteria.vendors[vendor].name}: {option.name} at {_money(option.monthly_usd)}/month "
        f"(weight {scores[vendor]:g} against {max((s for v, s in scores.items() if v != vendor), default=0):g})."
    )
    if excluded:
        summary += " Ruled out: " + ", ".join(criteria.vendors[v].name for v in sorted(excluded)) + "."
    return Recommendation(
        vendor=vendor,
        vendor_name=criteria.vendors[vendor].name,
        option=option.id,
        option_name=option.name,
        monthly_usd=option.monthly_usd,
        scores=scores,
        excluded=excluded,
        findings=findings,
        answers=dict(given),
        unanswered=unanswered,
        summary=summary,
    )
