"""Effective rule settings: the rule's defaults overlaid with the deployment's RuleSetting row."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .models import RuleSetting
from .rules import RULES, Rule


@dataclass(frozen=True)
class RuleConfig:
    rule: Rule
    enabled: bool
    severity: str
    params: dict
    citation: str
    problem: str = ""  # stored params no longer valid (e.g. after a release changed a rule): the rule is skipped


def rule_configs() -> dict[str, RuleConfig]:
    stored = {s.code: s for s in RuleSetting.objects.all()}
    return {code: _config(rule, stored.get(code)) for code, rule in RULES.items()}


def rule_config(code: str) -> RuleConfig:
    return _config(RULES[code], RuleSetting.objects.filter(code=code).first())


def _config(rule: Rule, setting: RuleSetting | None) -> RuleConfig:
    if setting is None:
        return RuleConfig(rule, True, rule.severity, rule.default_params, rule.citation)
    try:
        params = rule.clean_params(setting.params)
    except ValidationError as error:
        return RuleConfig(rule, False, setting.severity, rule.default_params, setting.citation or rule.citation,
                          problem="; ".join(error.messages))
    return RuleConfig(rule, setting.enabled, setting.severity or rule.severity, params,
                      setting.citation or rule.citation)
