"""The routing policy edited rule by rule, for a coordinator who does not write JSON.

The draft travels with the page (the `rules` field, also shown as the advanced JSON view):
opening, saving or deleting a rule turns one draft into the next, and nothing is in force until
the coordinator previews and publishes it (referrals.services.policy_publish). A rule's form
covers what a coordinator changes: what it says, the service, when it applies (always, or all
or any of up to four simple conditions), whether it is mandatory, whether it needs consent and
its deadline. A composed condition (e.g. "all of … and any of …"), the deadline's exceptions and
the fallback service are kept as they are and shown in words; the advanced view edits them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from portal.forms import StyledForm
from referrals.forms import parse_policy
from referrals.routing.explain import SERVICE_LABELS
from referrals.routing.facts import SERVICES
from referrals.routing.words import (
    FACT_LABELS,
    NUMBER_FACTS,
    OPERATOR_LABELS,
    VALUE_LABELS,
    YES_NO_FACTS,
    condition_words,
    fact_label,
    rule_deadline_words,
    rule_summary,
)

ROWS = 4  # simple conditions a rule's form offers
ALWAYS, ALL, ANY, KEEP = "always", "all", "any", "keep"
YES, NO = "yes", "no"
RULE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,16}$")


def _simple(condition: Any) -> bool:
    return (
        isinstance(condition, Mapping)
        and isinstance(condition.get("fact"), str)
        and len(condition) == 2
        and next(k for k in condition if k != "fact") in OPERATOR_LABELS
    )


def split_condition(condition: Any) -> tuple[str, list[dict]]:
    """A rule's condition as the form shows it: a mode and its simple rows, or KEEP."""
    if condition is True:
        return ALWAYS, []
    if _simple(condition):
        return ALL, [condition]
    if isinstance(condition, Mapping) and len(condition) == 1:
        key = next(iter(condition))
        parts = condition[key]
        if (
            key in (ALL, ANY)
            and isinstance(parts, list)
            and 0 < len(parts) <= ROWS
            and all(_simple(part) for part in parts)
        ):
            return key, list(parts)
    return KEEP, []


def _operand_choice(fact: str, value: Any) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    return f"{fact}={value}" if not isinstance(value, int | float) else ""


def _value_choices() -> list:
    groups: list = [("", "—"), (YES, _("yes")), (NO, _("no"))]
    for fact, values in VALUE_LABELS.items():
        groups.append(
            (fact_label(fact), [(f"{fact}={code}", str(label)) for code, label in values.items()])
        )
    return groups


class RuleForm(StyledForm):
    """One rule of the draft. `rules` is the whole draft; `rule_id` the rule (empty: a new one)."""

    rules = forms.CharField(widget=forms.HiddenInput, strip=False)
    rule_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=16)
    description = forms.CharField(
        label=gettext_lazy("What the rule says"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    service = forms.ChoiceField(label=gettext_lazy("Service"))
    when_mode = forms.ChoiceField(
        label=gettext_lazy("When it applies"), widget=forms.RadioSelect, initial=ALL
    )
    mandatory = forms.ChoiceField(label=gettext_lazy("Mandatory"), widget=forms.RadioSelect)
    requires_consent = forms.BooleanField(
        label=gettext_lazy("Needs the victim's consent"), required=False
    )
    deadline_amount = forms.IntegerField(
        label=gettext_lazy("Answer within"), min_value=1, max_value=1000
    )
    deadline_unit = forms.ChoiceField(label=gettext_lazy("Unit"))

    def __init__(self, *args, existing: Mapping | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.existing = dict(existing or {})
        self.fields["service"].choices = [(s, SERVICE_LABELS[s]) for s in SERVICES]
        self.fields["deadline_unit"].choices = [
            ("hours", _("hours (unit)")),
            ("days", _("calendar days")),
            ("working_days", _("working days (unit)")),
        ]
        modes = [
            (ALWAYS, _("always")),
            (ALL, _("when all of the conditions below hold")),
            (ANY, _("when any of the conditions below holds")),
        ]
        mandatory = [(YES, _("yes: proceeds without the victim's consent")), (NO, _("no"))]
        when = self.existing.get("when", True)
        if split_condition(when)[0] == KEEP:
            modes.append((KEEP, _("keep as it is: %(words)s") % {"words": condition_words(when)}))
        if self.existing.get("mandatory") not in (True, False, None):
            words = condition_words(self.existing["mandatory"])
            mandatory.append((KEEP, _("keep as it is: when %(words)s") % {"words": words}))
        self.fields["when_mode"].choices = modes
        self.fields["mandatory"].choices = mandatory
        facts = [("", "—")] + [(f, str(label)) for f, label in FACT_LABELS.items()]
        operators = [(op, str(label)) for op, label in OPERATOR_LABELS.items() if op != "in"]
        for i in range(ROWS):
            self.fields[f"fact_{i}"] = forms.ChoiceField(
                label=_("Fact"), choices=facts, required=False
            )
            self.fields[f"op_{i}"] = forms.ChoiceField(
                label=_("Comparison"),
                choices=operators,
                required=False,
            )
            self.fields[f"value_{i}"] = forms.ChoiceField(
                label=_("Value"),
                choices=_value_choices(),
                required=False,
            )
            self.fields[f"number_{i}"] = forms.IntegerField(
                label=pgettext("a condition's number", "Number"),
                required=False,
                min_value=0,
                max_value=100_000,
            )

        for i in range(ROWS):
            self.fields[f"fact_{i}"].widget.attrs["class"] = "form-select form-select-sm"
            self.fields[f"op_{i}"].widget.attrs["class"] = "form-select form-select-sm"
            self.fields[f"value_{i}"].widget.attrs["class"] = "form-select form-select-sm"
            self.fields[f"number_{i}"].widget.attrs["class"] = "form-control form-control-sm"
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                # Django's own message repeats the value sent; a coordinator needs the way out.
                field.error_messages["invalid_choice"] = _("Choose an option from the list.")

    @property
    def rows(self) -> list[list]:
        return [
            [self[f"fact_{i}"], self[f"op_{i}"], self[f"value_{i}"], self[f"number_{i}"]]
            for i in range(ROWS)
        ]

    def kept_words(self) -> dict[str, str]:
        """What the form keeps without editing it, in words: the deadline's exceptions and the
        fallback service (the advanced view edits them)."""
        deadline = self.existing.get("deadline") or {}
        cases = deadline.get("cases") if isinstance(deadline, Mapping) else None
        exceptions = rule_deadline_words({"cases": cases}).split("; ")[1:] if cases else []
        summary = rule_summary(self.existing) if self.existing else {}
        return {"deadline_cases": "; ".join(exceptions), "fallback": summary.get("fallback", "")}

    def clean_rules(self) -> dict:
        return parse_policy(self.cleaned_data["rules"])

    def _row(self, i: int) -> dict | None:
        data = self.cleaned_data
        fact, op = data.get(f"fact_{i}"), data.get(f"op_{i}") or "eq"
        value, number = data.get(f"value_{i}"), data.get(f"number_{i}")
        if not fact:
            if value or number is not None:
                self.add_error(f"fact_{i}", _("Choose what the condition is about."))
            return None
        if fact in YES_NO_FACTS:
            if value not in (YES, NO) or op not in ("eq", "ne"):
                self.add_error(
                    f"value_{i}", _("This fact is yes or no: choose “is” and yes or no.")
                )
                return None
            return {"fact": fact, op: value == YES}
        if fact in NUMBER_FACTS:
            if number is None or op in ("contains",):
                self.add_error(
                    f"number_{i}", _("This fact is a number: choose a comparison and a number.")
                )
                return None
            return {"fact": fact, op: number}
        allowed = VALUE_LABELS.get(fact)
        if not allowed or not value or not value.startswith(f"{fact}="):
            self.add_error(f"value_{i}", _("Choose a value of this fact."))
            return None
        code = value.split("=", 1)[1]
        if fact in ("forms", "needs"):
            op = "contains" if op in ("eq", "contains") else op
            if op not in ("contains",):
                self.add_error(f"op_{i}", _("For a list, choose “include”."))
                return None
        elif op not in ("eq", "ne"):
            self.add_error(f"op_{i}", _("Choose “is” or “is not” for this fact."))
            return None
        return {"fact": fact, op: code}

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("when_mode")
        rows = [row for i in range(ROWS) if (row := self._row(i)) is not None]
        if mode in (ALL, ANY) and not rows:
            self.add_error("fact_0", _("Add at least one condition, or choose “always”."))
        cleaned["condition_rows"] = rows
        rule_id = cleaned.get("rule_id") or ""
        draft = cleaned.get("rules")
        if (
            rule_id
            and draft is not None
            and (not RULE_ID.match(rule_id) or rule_id not in _ids(draft))
        ):
            raise ValidationError(_("This rule is no longer in the draft. Open it again."))
        return cleaned

    def rule(self) -> dict:
        """The rule as the policy stores it, from the form and what it keeps."""
        data = self.cleaned_data
        rule = dict(self.existing)
        rule["id"] = data.get("rule_id") or next_rule_id(data["rules"])
        rule["description"] = data["description"].strip()
        rule["service"] = data["service"]
        mode, rows = data["when_mode"], data["condition_rows"]
        if mode == ALWAYS:
            rule["when"] = True
        elif mode in (ALL, ANY):
            rule["when"] = rows[0] if len(rows) == 1 and mode == ALL else {mode: rows}
        else:
            rule["when"] = self.existing.get("when", True)
        if data["mandatory"] != KEEP:
            rule["mandatory"] = data["mandatory"] == YES
        rule["requires_consent"] = data["requires_consent"]
        deadline = dict(self.existing.get("deadline") or {})
        deadline["default"] = {data["deadline_unit"]: data["deadline_amount"]}
        rule["deadline"] = deadline
        return rule


def _ids(draft: Mapping) -> list[str]:
    return [str(rule.get("id")) for rule in draft.get("rules", []) if isinstance(rule, Mapping)]


def next_rule_id(draft: Mapping) -> str:
    numbers = [int(i[1:]) for i in _ids(draft) if re.fullmatch(r"R\d{1,6}", i)]
    return f"R{max(numbers, default=0) + 1}"


def rule_initial(draft_json: str, rule: Mapping | None) -> dict:
    """The form's initial values for a rule of the draft (None: a new rule)."""
    initial: dict[str, Any] = {"rules": draft_json, "rule_id": "", "mandatory": NO}
    initial.update(deadline_amount=1, deadline_unit="days", requires_consent=True)
    if rule is None:
        return initial
    mode, rows = split_condition(rule.get("when", True))
    initial.update(
        rule_id=rule.get("id", ""),
        description=rule.get("description", ""),
        service=rule.get("service"),
        when_mode=mode,
        requires_consent=bool(rule.get("requires_consent")),
    )
    mandatory = rule.get("mandatory", False)
    initial["mandatory"] = YES if mandatory is True else NO if not mandatory else KEEP
    default = (rule.get("deadline") or {}).get("default") or {}
    if isinstance(default, Mapping) and len(default) == 1:
        unit, amount = next(iter(default.items()))
        initial.update(deadline_unit=unit, deadline_amount=amount)
    for i, row in enumerate(rows):
        op = next(k for k in row if k != "fact")
        operand = row[op]
        initial[f"fact_{i}"] = row["fact"]
        initial[f"op_{i}"] = op
        if isinstance(operand, int | float) and not isinstance(operand, bool):
            initial[f"number_{i}"] = operand
        else:
            initial[f"value_{i}"] = _operand_choice(row["fact"], operand)
    return initial


def find_rule(draft: Mapping, rule_id: str) -> dict | None:
    for rule in draft.get("rules", []):
        if isinstance(rule, Mapping) and rule.get("id") == rule_id:
            return dict(rule)
    return None


def with_rule(draft: Mapping, rule: dict) -> str:
    """The draft with `rule` in place of the rule of its id (or added at the end), checked."""
    rules = [dict(r) for r in draft.get("rules", [])]
    for index, existing in enumerate(rules):
        if existing.get("id") == rule["id"]:
            rules[index] = rule
            break
    else:
        rules.append(rule)
    return _checked({"rules": rules})


def without_rule(draft: Mapping, rule_id: str) -> str:
    rules = [dict(r) for r in draft.get("rules", []) if r.get("id") != rule_id]
    return _checked({"rules": rules})


def _checked(draft: dict) -> str:
    text = json.dumps(draft, ensure_ascii=False, indent=2)
    parse_policy(text)  # the same checks as the advanced view: a ValidationError if not valid
    return text


def rule_cards(draft: Mapping) -> list[dict]:
    """Every rule of the draft in words, for the editor's list."""
    return [
        {"id": rule.get("id"), "description": rule.get("description", ""), **rule_summary(rule)}
        for rule in draft.get("rules", [])
        if isinstance(rule, Mapping)
    ]
