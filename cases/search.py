"""The case list's search box: a case number, a phone number or names.

A name is matched by pg_trgm word similarity on the indexed full name (GIN index on
`search_name`), which tolerates a typo or a Ukrainian case ending ("Шевчнко", "Шевченка" →
Шевченко); a number by a trigram index on the case numbers, a phone by one on the phones.

What matches is read first, through those indexes: the people, then their cases, each step
with its ids as one array. PostgreSQL then plans the page and its count for the exact number of
cases that match, and applies the visibility rule to those alone.

The closest names come first (`search_rank`, the list's default order "best match"). Word
similarity from 0.45 lets a typo or a case ending through, and with it far names: "Коваленко
Олена" matches 4 940 people of a city of a million cases, 22 of them Коваленко Олена, and
newest first the first page held none of the 22. Each person read is scored by strict word
similarity (whole words: "Олена" is not close to "Мілена Олександрівна"), averaged over the
words typed; a case takes its closest participant's score, and the list is ordered by that
score in tenths, then newest first. Above IDS_CAP matches nothing is read to score, and the
list stays newest first.

Written as one statement with a semi-join, the plan depended on how many names the planner
guessed would match, and pg_trgm can only guess from the hundred names ANALYZE happened to
sample: one sampled name close to the search made it guess 1 % of the city (18 392 people
instead of 3 373). It then walked the whole city's cases newest first, testing each one's
participants, and the misspelled-surname search took 0.9 s instead of 0.1 s, depending on the
sample of the last ANALYZE. A phone number, tested case by case, took 3.4 s.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramStrictWordSimilarity
from django.db.models import Case as Case_
from django.db.models import Expression, F, IntegerField, Lookup, Q, QuerySet, Value, When

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


def closeness(words: list[str]) -> Expression:
    """How close a person's name is to the words typed, 0 to 1: the mean of each word's strict
    word similarity to the name (1 when every word is a whole word of it)."""
    total = TrigramStrictWordSimilarity(words[0], "search_name")
    for word in words[1:]:
        total += TrigramStrictWordSimilarity(word, "search_name")
    return total / len(words)


def rank_of(score: float) -> int:
    """A closeness as the list orders it: 0 for the closest, in tenths (0.96 and 1 are both 0)."""
    return round((1 - score) * 10)


class _Matches:
    """The cases a term matches: ids read through an index, or a rule when they are too many;
    with each case read, the closeness of the name that matched it (1 for a number or a
    phone)."""

    def __init__(self) -> None:
        self.closeness: dict[int, float] = {}
        self.rules: list[Q] = []

    def _found(self, case_id: int, score: float) -> None:
        self.closeness[case_id] = max(score, self.closeness.get(case_id, 0.0))

    def cases(self, ids: QuerySet, rule: Q) -> None:
        found = list(ids[: IDS_CAP + 1])
        if len(found) > IDS_CAP:
            self.rules.append(rule)
        else:
            for case_id in found:
                self._found(case_id, 1.0)

    def people(self, people: QuerySet[Person], *, words: list[str] | None = None) -> None:
        if words:
            scored = people.annotate(closeness=closeness(words)).values_list("pk", "closeness")
            found = dict(scored[: IDS_CAP + 1])
        else:  # a phone: every person found is as close as another
            found = dict.fromkeys(people.values_list("pk", flat=True)[: IDS_CAP + 1], 1.0)
        if len(found) > IDS_CAP:
            rule = Participant.objects.filter(person__in=people.values("pk")).values("case_id")
            self.rules.append(Q(pk__in=rule))
        elif found:
            participations = (
                Participant.objects.filter(_AnyOf(F("person_id"), list(found)))
                .order_by()
                .values_list("case_id", "person_id")
            )
            for case_id, person_id in participations:
                self._found(case_id, found[person_id])

    def condition(self) -> Q:
        condition = Q(_AnyOf(F("pk"), sorted(self.closeness))) if self.closeness else Q(pk__in=[])
        for rule in self.rules:
            condition |= rule
        return condition

    def rank(self) -> Case_ | Value:
        """`search_rank`: 0 for the closest cases read, then by tenths; a case found by a rule
        (too many to read) after every case read, all of those equal."""
        ranks: dict[int, list[int]] = {}
        for case_id, score in self.closeness.items():
            ranks.setdefault(rank_of(score), []).append(case_id)
        if not ranks or (len(ranks) == 1 and not self.rules):
            return Value(0, output_field=IntegerField())
        return Case_(
            *(
                When(Q(_AnyOf(F("pk"), sorted(ids))), then=Value(rank))
                for rank, ids in sorted(ranks.items())
            ),
            default=Value(rank_of(0.0) + 1),
            output_field=IntegerField(),
        )


def search_cases(qs: QuerySet[Case], term: str) -> QuerySet[Case]:
    """`qs` narrowed to the cases matching the search box's `term` (unchanged when it is empty),
    each with its `search_rank` (0 for the closest names)."""
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
        matches.people(_people_named(words), words=words)
    return qs.filter(matches.condition()).annotate(search_rank=matches.rank())
