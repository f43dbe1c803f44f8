"""Effective reason settings: each reason's defaults overlaid with the deployment's ReasonSetting row."""

from dataclasses import dataclass

from .models import ReasonSetting
from .rules import REASONS, Reason


@dataclass(frozen=True)
class ReasonConfig:
    reason: Reason
    enabled: bool
    params: dict
    citation: str
    problem: str = ""  # stored params no longer valid (e.g. after a release): the reason is skipped


def _config(reason: Reason, setting: ReasonSetting | None) -> ReasonConfig:
    if setting is None:
        return ReasonConfig(reason, True, reason.default_params, reason.citation)
    try:
        params = reason.clean_params(setting.params)
    except ValueError as error:
        return ReasonConfig(reason, False, reason.default_params, setting.citation or reason.citation,
                            problem=str(error))
    return ReasonConfig(reason, setting.enabled, params, setting.citation or reason.citation)


def reason_configs() -> dict[str, ReasonConfig]:
    stored = {s.code: s for s in ReasonSetting.objects.all()}
    return {code: _config(reason, stored.get(code)) for code, reason in REASONS.items()}


def reason_config(code: str) -> ReasonConfig:
    return _config(REASONS[code], ReasonSetting.objects.filter(code=code).first())


def enabled_reasons() -> set[str]:
    return {code for code, config in reason_configs().items() if config.enabled}
