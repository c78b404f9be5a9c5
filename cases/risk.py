"""Risk assessment (оцінка ризиків; joint order 369/180 of 2019) as data plus one scoring rule.

Pure: no ORM. The questionnaire (items, weights, red flags, thresholds) is configurable reference
data in `cases/data/risk_questionnaire_v1.json`; the rule that produced a level is returned so
that the page can show it to the worker.

Rule: any red-flag item answered "yes" ⇒ high; otherwise the score (sum of weights of "yes"
items, plus `prior_orders_weight` per earlier order against the offender, at most two) decides:
≥ high threshold ⇒ high, ≥ medium threshold ⇒ medium, else low.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "risk_questionnaire_v1.json"
LEVELS = ("low", "medium", "high")


class QuestionnaireError(ValueError):
    pass


@dataclass(frozen=True)
class Item:
    id: str
    text_uk: str
    text_en: str
    weight: int
    red_flag: bool

    def text(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_uk


@dataclass(frozen=True)
class Questionnaire:
    version: str
    medium_threshold: int
    high_threshold: int
    prior_orders_weight: int
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise QuestionnaireError(f"unknown item {item_id!r}")


@dataclass(frozen=True)
class RiskResult:
    level: str
    score: int
    rule: str  # "red_flag" | "score_high" | "score_medium" | "score_low"
    red_flags: tuple[str, ...]
    unanswered: tuple[str, ...]
    prior_orders: int


def questionnaire_from_dict(data: Mapping) -> Questionnaire:
    try:
        items = tuple(
            Item(
                id=str(raw["id"]),
                text_uk=str(raw["text_uk"]),
                text_en=str(raw["text_en"]),
                weight=int(raw["weight"]),
                red_flag=bool(raw.get("red_flag", False)),
            )
            for raw in data["items"]
        )
        thresholds = data["thresholds"]
        questionnaire = Questionnaire(
            version=str(data["version"]),
            medium_threshold=int(thresholds["medium"]),
            high_threshold=int(thresholds["high"]),
            prior_orders_weight=int(data.get("prior_orders_weight", 0)),
            items=items,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise QuestionnaireError(f"malformed questionnaire: {error}") from None
    ids = [item.id for item in items]
    if len(ids) != len(set(ids)):
        raise QuestionnaireError("item ids must be unique")
    if not 0 < questionnaire.medium_threshold < questionnaire.high_threshold:
        raise QuestionnaireError("thresholds must satisfy 0 < medium < high")
    if any(item.weight < 0 for item in items):
        raise QuestionnaireError("weights must not be negative")
    return questionnaire


def load_questionnaire(path: Path | None = None) -> Questionnaire:
    with open(path or DEFAULT_PATH, encoding="utf-8") as handle:
        return questionnaire_from_dict(json.load(handle))


def assess(
    questionnaire: Questionnaire, answers: Mapping[str, bool | None], prior_orders: int = 0
) -> RiskResult:
    known = {item.id for item in questionnaire.items}
    unknown = set(answers) - known
    if unknown:
        raise QuestionnaireError(f"unknown item(s): {', '.join(sorted(unknown))}")
    yes = [item for item in questionnaire.items if answers.get(item.id) is True]
    unanswered = tuple(item.id for item in questionnaire.items if answers.get(item.id) is None)
    # Repeat offending is a risk factor; two earlier orders are enough to say so.
    score = sum(item.weight for item in yes) + questionnaire.prior_orders_weight * min(
        max(prior_orders, 0), 2
    )
    red_flags = tuple(item.id for item in yes if item.red_flag)
    if red_flags:
        level, rule = "high", "red_flag"
    elif score >= questionnaire.high_threshold:
        level, rule = "high", "score_high"
    elif score >= questionnaire.medium_threshold:
        level, rule = "medium", "score_medium"
    else:
        level, rule = "low", "score_low"
    return RiskResult(level, score, rule, red_flags, unanswered, max(prior_orders, 0))


def explain(result: RiskResult, questionnaire: Questionnaire, language: str = "uk") -> str:
    """The rule that produced the level, in words a worker can check."""
    if result.rule == "red_flag":
        texts = "; ".join(f"«{questionnaire.item(i).text(language)}»" for i in result.red_flags)
        if language == "en":
            return f"High: red-flag item answered yes — {texts}."
        return f"Високий: позитивна відповідь на критичне питання — {texts}."
    thresholds = (questionnaire.medium_threshold, questionnaire.high_threshold)
    names = {
        "en": {"score_high": "High", "score_medium": "Medium", "score_low": "Low"},
        "uk": {"score_high": "Високий", "score_medium": "Середній", "score_low": "Низький"},
    }["en" if language == "en" else "uk"]
    prior = ""
    if result.prior_orders:
        prior = (
            f" (including earlier orders against the offender: {result.prior_orders})"
            if language == "en"
            else f" (з урахуванням попередніх приписів щодо кривдника: {result.prior_orders})"
        )
    if language == "en":
        return (
            f"{names[result.rule]}: score {result.score}{prior}; medium from {thresholds[0]}, "
            f"high from {thresholds[1]}."
        )
    return (
        f"{names[result.rule]}: сума балів {result.score}{prior}; середній — від {thresholds[0]}, "
        f"високий — від {thresholds[1]}."
    )
