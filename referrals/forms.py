"""Input for the referral pages: every length and date bounded as its column is."""

from __future__ import annotations

import json
import math
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal import domains
from portal.forms import StyledForm, date_field
from referrals.models import (
    Holiday,
    MartialLawPeriod,
    ProviderProfile,
    Referral,
    RoutingPolicy,
)
from referrals.routing import PolicyError, policy_from_dict


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class HolidayForm(StyledForm):
    """Add or remove one day off for working-day deadlines (the holidays page)."""

    date = date_field(_("Date"), validators=[domains.validate_end_date])
    name = forms.CharField(label=_("Name"), required=False, max_length=_max_length(Holiday, "name"))
    delete = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        # A day off is added with its name (an empty one helps no reader of a deadline);
        # removing one needs only the date.
        if not cleaned.get("delete") and not (cleaned.get("name") or "").strip():
            self.add_error("name", _("Give the holiday's name."))
        return cleaned


class MartialLawForm(StyledForm):
    """A period of martial law (holidays page): public holidays inside it are working days."""

    starts_on = date_field(_("Martial law from"), validators=[domains.validate_end_date])
    ends_on = date_field(
        _("Martial law until (empty while it lasts)"),
        required=False,
        validators=[domains.validate_end_date],
    )
    note = forms.CharField(
        label=_("Legal basis"),
        required=False,
        max_length=_max_length(MartialLawPeriod, "note"),
    )

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The period cannot end before it starts."))
        return cleaned


# The policy in force is about 5 KB of JSON; a draft fifty times larger is a paste accident.
POLICY_MAX_LENGTH = 256 * 1024
# Conditions nest all/any/not a few levels deep; past this a draft is refused before the engine
# (and PostgreSQL's jsonb parser) recurse through it.
POLICY_MAX_DEPTH = 32
# Deadlines are hours or days and facts are ages and counts: a larger number is a typing slip
# (and 10^20 days would overflow the date arithmetic of every plan).
POLICY_MAX_NUMBER = 100_000


def _policy_number_error() -> ValidationError:
    return ValidationError(
        _("Numbers in the policy must be finite and between -%(limit)s and %(limit)s."),
        code="policy_number",
        params={"limit": POLICY_MAX_NUMBER},
    )


def _policy_int(text: str) -> int:
    # Refuse by length first: int() of a 100 000-digit string is itself slow.
    if len(text.lstrip("-")) > len(str(POLICY_MAX_NUMBER)):
        raise _policy_number_error()
    value = int(text)
    if abs(value) > POLICY_MAX_NUMBER:
        raise _policy_number_error()
    return value


def _policy_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or abs(value) > POLICY_MAX_NUMBER:
        raise _policy_number_error()
    return value


def _policy_constant(name: str) -> float:
    raise _policy_number_error()  # NaN, Infinity, -Infinity are not JSON


def _depth(value: Any) -> int:
    """How deeply lists and objects nest, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level > POLICY_MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def parse_policy(text: str) -> dict:
    """A routing-policy draft as an object {"rules": [...]}; anything else is a ValidationError
    with a message for the coordinator (never a RecursionError or an overflow)."""
    if len(text) > POLICY_MAX_LENGTH:
        raise ValidationError(
            _("The policy is too long: keep it within %(limit)s characters."),
            code="policy_length",
            params={"limit": POLICY_MAX_LENGTH},
        )
    try:
        data = json.loads(
            text,
            parse_int=_policy_int,
            parse_float=_policy_float,
            parse_constant=_policy_constant,
        )
    except RecursionError:
        raise ValidationError(
            _("The policy nests too deeply (at most %(limit)s levels)."),
            code="policy_depth",
            params={"limit": POLICY_MAX_DEPTH},
        ) from None
    except ValueError as error:  # JSONDecodeError; int() of an over-long literal
        raise ValidationError(
            _("Not valid JSON: %(error)s"), code="policy_json", params={"error": error}
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ValidationError(
            _('The policy must be a JSON object with a list of rules: {"rules": [...]}.'),
            code="policy_shape",
        )
    if _depth(data) > POLICY_MAX_DEPTH:
        raise ValidationError(
            _("The policy nests too deeply (at most %(limit)s levels)."),
            code="policy_depth",
            params={"limit": POLICY_MAX_DEPTH},
        )
    # The engine validates the rules themselves; its checks assume objects where it expects
    # them, so a wrong type inside a rule surfaces as one of these errors.
    try:
        policy_from_dict({"version": 0, "rules": data["rules"]})
    except PolicyError as error:
        raise ValidationError(
            _("The policy is not valid: %(error)s"), code="policy_invalid", params={"error": error}
        ) from None
    except (AttributeError, KeyError, TypeError, ValueError, RecursionError) as error:
        raise ValidationError(
            _("The policy is not valid: %(error)s"),
            code="policy_invalid",
            params={"error": f"{type(error).__name__}: {error}"},
        ) from None
    return {"rules": data["rules"]}


class PolicyForm(StyledForm):
    """A draft of the routing policy and the note published with it."""

    # Bounded by parse_policy's own size limit, not the generic text limit of StyledForm.
    rules = forms.CharField(
        label=_("Rules"), widget=forms.Textarea, strip=False, max_length=64 * POLICY_MAX_LENGTH
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=_max_length(RoutingPolicy, "note")
    )

    def clean_rules(self) -> str:
        """The draft, checked and re-serialised: what the services parse again is known safe."""
        return json.dumps(parse_policy(self.cleaned_data["rules"]), ensure_ascii=False)


class CapacityForm(StyledForm):
    """A provider's staff correct their own organisation's places, saying why. The organisation
    and the count's version travel with the form: the service refuses another organisation
    and a count that changed since the form was shown."""

    capacity_total = forms.IntegerField(
        label=_("Places in total"), min_value=0, max_value=domains.MAX_CAPACITY
    )
    occupied = forms.IntegerField(
        label=_("Occupied now"), min_value=0, max_value=domains.MAX_CAPACITY
    )
    reason = forms.CharField(
        label=_("Why the places changed"),
        max_length=_max_length(ProviderProfile, "capacity_note"),
        help_text=_("e.g. a room closed for repair, a stay ended outside the portal"),
    )
    provider = forms.CharField(widget=forms.HiddenInput, max_length=20)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    @classmethod
    def for_profile(cls, profile: ProviderProfile) -> CapacityForm:
        return cls(
            initial={
                "capacity_total": profile.capacity_total,
                "occupied": profile.occupied,
                "provider": profile.organisation_id,
                "version": profile.capacity_version,
            }
        )


class AcceptForm(StyledForm):
    """Accepting a referral; a shelter or crisis room says how many places the stay takes."""

    places = forms.IntegerField(
        label=_("Places to take"),
        required=False,
        min_value=1,
        max_value=domains.MAX_CAPACITY,
        help_text=_("The victim and each accompanying child placed take one place each."),
    )


REASON_LENGTH = _max_length(Referral, "decline_reason")
OUTCOME_LENGTH = _max_length(Referral, "outcome")


def text_input(data, name: str, *, max_length: int) -> str:
    """A free-text value typed on a referral page; longer than its column, it is refused."""
    value = (data.get(name) or "").strip()
    if "\x00" in value:
        raise ValidationError(
            _("The text contains a control character (NUL); remove it."), code="null_characters"
        )
    if len(value) > max_length:
        raise ValidationError(
            _("Keep the text within %(limit)s characters (it has %(length)s)."),
            code="max_length",
            params={"limit": max_length, "length": len(value)},
        )
    return value
