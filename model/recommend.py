"""The recommendation checklist: answers and figures in, a verdict with its reasons out.

Every reason comes from a rule in `data/criteria.yaml` with its source; the rules on figures
read the same `EstimateOut` the rest of the tool shows. The verdict is the vendor with the most
weight behind it (the criteria's default vendor on a tie), and the option recommended is that
vendor's cheapest for this profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from model.result import EstimateOut
from pricing.criteria import Criteria, NumberRule

__all__ = ["Finding", "Recommendation", "recommend"]


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    kind: Literal["answer", "figures", "default"]
    favours: str
    favours_name: str
    weight: float
    reason: str
    source_url: str
    source_title: str


class Recommendation(BaseModel):
    model_config = ConfigDict(frozen=True)

    vendor: str
    vendor_name: str
    option: str
    option_name: str
    monthly_usd: float
    scores: dict[str, float]
    findings: list[Finding]
    answers: dict[str, str]
    summary: str


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _number_finding(rule: NumberRule, criteria: Criteria, result: EstimateOut) -> Finding | None:
    source = criteria.sources[rule.source]
    if rule.kind == "cost":
        ranked = sorted((o for o in result.options if o.applicable), key=lambda o: o.monthly_usd)
        if len(ranked) < 2:
            return None
        best = ranked[0]
        runner = next((o for o in ranked[1:] if criteria.vendor_of(o.id) != criteria.vendor_of(best.id)), ranked[1])
        vendor = criteria.vendor_of(best.id)
        if vendor is None:
            return None
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
    else:
        assert rule.checks is not None and rule.favours is not None
        checked = [o for o in result.options if criteria.vendor_of(o.id) == rule.checks]
        crossed = [(o, [x for x in o.limits if x.exceeded and x.hard]) for o in checked]
        if not checked or not all(found for _, found in crossed):
            return None
        option, found = min(crossed, key=lambda item: item[0].monthly_usd)
        blocked = [x for x in found if not x.avoidable]
        limit = min(blocked or found, key=lambda x: x.steps_until_limit or 0.0)
        vendor = rule.favours
        weight = rule.weight_blocked if blocked else rule.weight
        restart = option.restart
        if blocked:
            remedy = limit.advice or "the run must change shape to stay inside it."
            if restart is not None:
                remedy = f"{restart.name} cannot fix that. {remedy}"
        elif restart is not None:
            remedy = f"it needs {restart.name} ({restart.segments} segments per run)."
        else:
            remedy = limit.advice or ""
        step = f"{limit.steps_until_limit:,.0f}" if limit.steps_until_limit is not None else "1"
        text = rule.reason.format(option=option.name, limit=f"{limit.shown} {limit.name.lower()}", step=step,
                                  remedy=remedy)
    if weight <= 0:
        return None
    return Finding(
        rule=rule.id,
        kind="figures",
        favours=vendor,
        favours_name=criteria.vendors[vendor].name,
        weight=weight,
        reason=text,
        source_url=str(source.url),
        source_title=source.title,
    )


def recommend(criteria: Criteria, answers: Mapping[str, str], result: EstimateOut) -> Recommendation:
    """Weigh every rule that applies. Unanswered questions take their defaults; an answer that
    is not one of a question's answers raises ValueError naming both."""
    given = {**criteria.defaults(), **answers}
    for question in criteria.questions:
        allowed = [a.id for a in question.answers]
        if given[question.id] not in allowed:
            raise ValueError(f"{question.id}: {given[question.id]!r} is not an answer; allowed: {', '.join(allowed)}")
    findings: list[Finding] = []
    for rule in criteria.rules:
        if given.get(rule.question) in rule.answers:
            source = criteria.sources[rule.source]
            findings.append(
                Finding(
                    rule=rule.id,
                    kind="answer",
                    favours=rule.favours,
                    favours_name=criteria.vendors[rule.favours].name,
                    weight=rule.weight,
                    reason=rule.reason,
                    source_url=str(source.url),
                    source_title=source.title,
                )
            )
    for number_rule in criteria.number_rules:
        found = _number_finding(number_rule, criteria, result)
        if found is not None:
            findings.append(found)
    # Only vendors with an option in force on the pricing date can be recommended; reasons for
    # the others are kept, unweighed, so the reader still sees them.
    priced = {o.id for o in result.options}
    scores = {v: 0.0 for v, info in criteria.vendors.items() if priced & set(info.options)}
    if not scores:
        raise ValueError("no option named in the criteria is priced on this date")
    for index, finding in enumerate(findings):
        if finding.favours in scores:
            scores[finding.favours] += finding.weight
        else:
            findings[index] = finding.model_copy(
                update={"weight": 0.0, "reason": f"{finding.reason} (Not weighed: no {finding.favours_name} "
                        f"option is priced on {result.pricing_date}.)"}
            )
    top = max(scores.values())
    leaders = [v for v, s in scores.items() if s == top]
    vendor = criteria.default_vendor if criteria.default_vendor in leaders else leaders[0]
    if len(leaders) > 1:
        source = criteria.sources[criteria.default_source]
        findings.append(
            Finding(
                rule="default",
                kind="default",
                favours=vendor,
                favours_name=criteria.vendors[vendor].name,
                weight=0.0,
                reason=criteria.default_reason,
                source_url=str(source.url),
                source_title=source.title,
            )
        )
    option = min((o for o in result.options if o.id in criteria.vendors[vendor].options), key=lambda o: o.monthly_usd)
    findings.sort(key=lambda f: (-f.weight, f.rule))
    summary = (
        f"{criteria.vendors[vendor].name}: {option.name} at {_money(option.monthly_usd)}/month "
        f"(weight {scores[vendor]:g} against {max((s for v, s in scores.items() if v != vendor), default=0):g})."
    )
    return Recommendation(
        vendor=vendor,
        vendor_name=criteria.vendors[vendor].name,
        option=option.id,
        option_name=option.name,
        monthly_usd=option.monthly_usd,
        scores=scores,
        findings=findings,
        answers=dict(given),
        summary=summary,
    )
