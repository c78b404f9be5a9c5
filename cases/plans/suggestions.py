"""What a safety plan proposes, as reference data keyed by the risk questionnaire's item codes.

Pure: no ORM. A suggestion is offered when the case's latest risk assessment answered "yes" to
one of its items (`when`), when children are involved (`children`), or always (neither). The
worker and the victim choose from them and add their own; nothing here is forced on a plan.

The item codes are those of `cases/data/risk_questionnaire_v1.json`; a test checks that every
code named here exists there, so a new questionnaire version cannot silently orphan a step.
Texts speak to the victim ("you") and never name the offender: the printed plan is hers to keep,
and others may read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Suggestion:
    code: str
    text: str | Promise
    when: frozenset[str] = field(default_factory=frozenset)  # questionnaire item codes
    children: bool = False

    @property
    def always(self) -> bool:
        return not self.when and not self.children

    def applies(self, yes: frozenset[str], *, has_children: bool) -> bool:
        return self.always or bool(self.when & yes) or (self.children and has_children)


@dataclass(frozen=True)
class Situation:
    code: str
    situation: str | Promise
    action: str | Promise
    when: frozenset[str] = field(default_factory=frozenset)
    children: bool = False

    def applies(self, yes: frozenset[str], *, has_children: bool) -> bool:
        if not self.when and not self.children:
            return True
        return bool(self.when & yes) or (self.children and has_children)


@dataclass(frozen=True)
class Contact:
    name: str | Promise
    phone: str


def _codes(*codes: str) -> frozenset[str]:
    return frozenset(codes)


STEPS: tuple[Suggestion, ...] = (
    Suggestion(
        "call_102",
        _(
            "When you are in danger, call the police at 102 at once. If you cannot speak, "
            "call and leave the line open."
        ),
    ),
    Suggestion(
        "code_word",
        _(
            "Agree a code word with a person you trust: when they hear it from you, they call "
            "the police."
        ),
    ),
    Suggestion(
        "phone_ready",
        _(
            "Keep your phone charged and with you; save the important numbers under names "
            "only you understand."
        ),
    ),
    Suggestion(
        "bag_ready",
        _(
            "Keep a bag with documents, money, medicines and spare keys with a person you "
            "trust or in a place you can reach quickly."
        ),
    ),
    Suggestion(
        "weapon_leave",
        _(
            "If there is a weapon in the home, do not try to take it away: leave, call 102 and "
            "tell the police where the weapon is kept."
        ),
        when=_codes("weapon_access", "weapon_used"),
    ),
    Suggestion(
        "weapon_rooms",
        _(
            "When a quarrel starts, stay away from the kitchen and from rooms with tools or "
            "a weapon; keep near a door you can leave by."
        ),
        when=_codes("weapon_access", "weapon_used", "threats_to_kill"),
    ),
    Suggestion(
        "strangling_doctor",
        _(
            "A grip on the neck can kill even when it leaves no marks: after any such grip, "
            "see a doctor and tell them about it."
        ),
        when=_codes("strangling"),
    ),
    Suggestion(
        "strangling_emergency",
        _(
            "If you have ever been strangled, treat any new threat as an emergency: leave at "
            "once and call 102."
        ),
        when=_codes("strangling"),
    ),
    Suggestion(
        "threats_record",
        _(
            "Write down every threat (date, words, who heard it) and keep screenshots of "
            "messages where no one else can find them."
        ),
        when=_codes("threats_to_kill", "victim_fears_death", "stalking"),
    ),
    Suggestion(
        "children_call",
        _(
            "Teach the children how to call 102, where to hide at home and which neighbour "
            "to run to."
        ),
        when=_codes("children_threatened"),
        children=True,
    ),
    Suggestion(
        "children_school",
        _(
            "Tell the school or kindergarten who may pick up the children, and ask them to call "
            "you if anyone else comes for them."
        ),
        when=_codes("children_threatened"),
        children=True,
    ),
    Suggestion(
        "leaving_plan",
        _(
            "Plan the moment of leaving for a time when you are alone, and do not announce it: "
            "the days after leaving are the most dangerous."
        ),
        when=_codes("separation"),
    ),
    Suggestion(
        "order_breach",
        _(
            "If the person who hurts you comes near you despite an order, call 102 at once: "
            "breaking an order is an offence."
        ),
        when=_codes("order_breached"),
    ),
    Suggestion(
        "routes",
        _(
            "Change your routes and times to work and shops; tell colleagues or neighbours "
            "you trust whom to watch for."
        ),
        when=_codes("stalking", "jealousy_control"),
    ),
    Suggestion(
        "intoxication",
        _(
            "When the person who hurts you is drunk or high, avoid arguments, stay near the "
            "exit and leave if it gets worse."
        ),
        when=_codes("substance_abuse"),
    ),
    Suggestion(
        "pregnancy",
        _(
            "Tell your doctor about the violence and keep the number of your maternity clinic "
            "at hand."
        ),
        when=_codes("pregnancy"),
    ),
    Suggestion(
        "escalation_place",
        _(
            "The violence is getting worse: agree now on a place to stay if you must leave "
            "suddenly."
        ),
        when=_codes("escalation", "serious_injuries", "threats_to_kill", "victim_fears_death"),
    ),
    Suggestion(
        "suicide_threats",
        _(
            "Threats of suicide by the person who hurts you are not your responsibility: call "
            "102 or 103 and do not stay to stop them."
        ),
        when=_codes("offender_suicide_threats"),
    ),
    Suggestion(
        "sexual_violence",
        _(
            "After sexual violence, see a doctor within 72 hours, if you can before washing or "
            "changing clothes; you may ask for a doctor of your sex."
        ),
        when=_codes("sexual_violence"),
    ),
)

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        "danger_now",
        _("I am in danger right now"),
        _("Call 102. If I cannot speak, call and leave the line open, or say the code word."),
    ),
    Situation(
        "quarrel",
        _("A quarrel is starting"),
        _("Move to a room with a way out, keep the phone with me, be ready to leave."),
    ),
    Situation(
        "leave_now",
        _("I have to leave at once"),
        _("Take the bag and the children, go to the safe place, call the trust line 15-00."),
    ),
    Situation(
        "followed",
        _("I am followed or approached in the street or at work"),
        _("Go into a shop or a crowded place and call 102."),
        when=_codes("stalking", "order_breached", "separation"),
    ),
    Situation(
        "children_alone",
        _("The children are at home when it starts"),
        _("The children go to the agreed neighbour and call 102."),
        when=_codes("children_threatened"),
        children=True,
    ),
    Situation(
        "hurt",
        _("I am hurt"),
        _("Call 103 or go to the emergency room; tell the doctor what happened."),
        when=_codes("strangling", "serious_injuries", "sexual_violence"),
    ),
)

# DOMAIN §1: the hotlines printed on every plan.
HOTLINES: tuple[Contact, ...] = (
    Contact(_("Police"), "102"),
    Contact(_("Ambulance"), "103"),
    Contact(_("Kyiv trust line (round the clock)"), "15-00, 044 272 15 00"),
    Contact(_("National hotline on domestic violence"), "116 123, 0 800 500 335"),
    Contact(_("Government hotline"), "15-47"),
    Contact(_("Free legal aid"), "0 800 213 103"),
)
CHILDREN_HOTLINE = Contact(_("Hotline for children"), "116 111, 0 800 500 225")

# "Where to go": services reached by phone. A shelter's address is confidential (DOMAIN §4): a
# place is a name and a phone number, never an address.
PLACES: tuple[Contact, ...] = (
    Contact(_("A place in a shelter or a crisis room: through the Kyiv trust line"), "15-00"),
    Contact(_("Psychological help and a mobile team: through the Kyiv trust line"), "15-00"),
    Contact(_("Free legal aid centre"), "0 800 213 103"),
)

DOCUMENTS: tuple[tuple[str, str | Promise], ...] = (
    ("passport", _("Passport or ID card")),
    ("tax_number", _("Taxpayer number")),
    ("children_certificates", _("Children's birth certificates")),
    ("medical", _("Medical documents and medicines")),
    ("money", _("Money and bank cards")),
    ("phone", _("Phone and charger")),
    ("keys", _("Spare keys")),
    ("orders", _("Copies of orders, police statements and court decisions")),
    ("evidence", _("Photos of injuries and screenshots of threats")),
    ("children_things", _("Clothes and favourite things for the children")),
    ("clothes", _("Clothes for a few days")),
)
DOCUMENT_LABELS: dict[str, str | Promise] = dict(DOCUMENTS)


def referenced_items() -> frozenset[str]:
    """Every questionnaire item code this module reacts to (checked against the questionnaire)."""
    codes: set[str] = set()
    for entry in (*STEPS, *SITUATIONS):
        codes |= entry.when
    return frozenset(codes)


def _yes(answers: Mapping[str, object]) -> frozenset[str]:
    return frozenset(code for code, value in answers.items() if value is True)


def proposed_steps(answers: Mapping[str, object], *, has_children: bool) -> list[Suggestion]:
    """The steps the latest risk assessment calls for: always-steps and those whose item was
    answered "yes" (or that concern children, when there are children)."""
    yes = _yes(answers)
    return [s for s in STEPS if s.applies(yes, has_children=has_children)]


def proposed_situations(answers: Mapping[str, object], *, has_children: bool) -> list[Situation]:
    yes = _yes(answers)
    return [s for s in SITUATIONS if s.applies(yes, has_children=has_children)]


def triggered_by(suggestion: Suggestion, answers: Mapping[str, object]) -> bool:
    """True when the risk assessment (not the "always" rule) proposed this step."""
    return bool(suggestion.when & _yes(answers))


def hotlines(*, has_children: bool) -> list[Contact]:
    return [*HOTLINES, CHILDREN_HOTLINE] if has_children else list(HOTLINES)


def step(code: str) -> Suggestion | None:
    return next((s for s in STEPS if s.code == code), None)


def steps_in_order(codes: Iterable[str]) -> list[Suggestion]:
    wanted = set(codes)
    return [s for s in STEPS if s.code in wanted]
