"""The case list's search box: a case number, a phone number or names.

A name is matched by pg_trgm word similarity on the indexed full name (GIN index on
`search_name`), which tolerates a typo or a Ukrainian case ending ("Шевчнко", "Шевченка" →
Шевченко); a number by a trigram index on the case numbers, a phone by one on the phones.

What matches is read first, through those indexes: the people, then their cases, each step
with its ids as one array. PostgreSQL then plans the page and its count for the exact number of
cases that match, and applies the visibility rule to those alone.

Written as one statement with a semi-join, the plan depended on how many names the planner
guessed would match, and pg_trgm can only guess from the hundred names ANALYZE happened to
sample: one sampled name close to the search made it guess 1 % of the city (18 392 people
instead of 3 373). It then walked the whole city's cases newest first, testing each one's
participants, and the misspelled-surname search took 0.9 s instead of 0.1 s, depending on the
sample of the last ANALYZE. A phone number, tested case by case, took 3.4 s.
"""

from __future__ import annotations

import re

from django.db.models import F, Lookup, Q, QuerySet

from cases.models import Case, Participant, Person

# Above this many matches (a first name alone, "Олена": 409 000 people in a city of a million
# cases; two digits of a number) they are dense among the cases, and PostgreSQL's plan of
# walking the cases in the list's order and testing each finds a page quickly: the ids are not
# read. Reading 10 000 matching names takes about 150 ms (each is compared with the query again).
IDS_CAP = 10_000


class _AnyOf(Lookup):
    """`column = ANY(%s)`: the ids as one array parameter, not one parameter for each id."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


# A name is looked for when one of its words has three letters or more. A word of one letter
# ("О." of an initial) is left out: its trigrams match a good part of the city. A word without
# any letter (a stray "-") would make pg_trgm read the whole index: 4.9 s.
NAME_WORD_LETTERS = 3


def letters(word: str) -> int:
    """How many letters `word` has (digits, punctuation and spaces do not count)."""
    return len(re.findall(r"[^\W\d_]", word))


def name_words(term: str) -> list[str]:
    """The words of `term` searched as names, at most three: those of two letters or more and no
    digit (a case number's "2024" is not part of a name), when one has three letters or more."""
    words = [
        word for word in term.lower().split() if not re.search(r"\d", word) and letters(word) >= 2
    ][:3]
    return words if any(letters(word) >= NAME_WORD_LETTERS for word in words) else []


def searchable(term: str) -> bool:
    """Whether the search box can look for `term`: a digit (a number or a phone) or a name."""
    return bool(re.search(r"\d", term)) or bool(name_words(term))


def _people_named(words: list[str]) -> QuerySet[Person]:
    # Every word must match.
    people = Person.objects.all()
    for word in words:
        people = people.filter(search_name__trigram_word_similar=word)
    return people


def _is_phone(term: str, digits: str) -> bool:
    # Six digits or more and no letters: "067 111 22 33", "+38 (067) 111-22-33". A part of a
    # case number ("2024-0166574") is tried as a phone too; the number is searched as well.
    return len(digits) >= 6 and not letters(term)


class _Matches:
    """The cases a term matches: ids read through an index, or a rule when they are too many."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.rules: list[Q] = []

    def cases(self, ids: QuerySet, rule: Q) -> None:
        found = list(ids[: IDS_CAP + 1])
        if len(found) > IDS_CAP:
            self.rules.append(rule)
        else:
            self.ids.update(found)

    def people(self, people: QuerySet[Person]) -> None:
        found = list(people.values_list("pk", flat=True)[: IDS_CAP + 1])
        if len(found) > IDS_CAP:
            rule = Participant.objects.filter(person__in=people.values("pk")).values("case_id")
            self.rules.append(Q(pk__in=rule))
        elif found:
            self.ids.update(
                Participant.objects.filter(_AnyOf(F("person_id"), found))
                .order_by()
                .values_list("case_id", flat=True)
                .distinct()
            )

    def condition(self) -> Q:
        condition = Q(_AnyOf(F("pk"), sorted(self.ids))) if self.ids else Q(pk__in=[])
        for rule in self.rules:
            condition |= rule
        return condition


def search_cases(qs: QuerySet[Case], term: str) -> QuerySet[Case]:
    """`qs` narrowed to the cases matching the search box's `term` (unchanged when it is empty)."""
    term = term.strip()
    if not term:
        return qs
    matches = _Matches()
    digits = re.sub(r"\D", "", term)
    if digits:
        # A case number has digits ("КИЇВ-2024-000123"); a name never matches one.
        matches.cases(
            Case.objects.filter(number__icontains=term).order_by().values_list("pk", flat=True),
            Q(number__icontains=term),
        )
    if _is_phone(term, digits):
        # A phone number: the last nine digits, whatever the prefix.
        matches.people(Person.objects.filter(phone__endswith=digits[-9:]))
    elif words := name_words(term):
        matches.people(_people_named(words))
    return qs.filter(matches.condition())
