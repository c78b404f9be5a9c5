"""Reference data in the reader's language: each model's display picks the English name for a
reader of English when it is filled, and falls back to the Ukrainian one, never to nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from cases.models import ViolenceSubtype
from portal.bilingual import in_reader_language
from portal.models import District, Organisation, OrganisationKind
from programme.models import Indicator, Measure, Programme, ProgrammeTask

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "english", "shown"),
    [
        ("uk", "Darnytskyi", "Дарницький"),
        ("en", "Darnytskyi", "Darnytskyi"),
        ("en", "", "Дарницький"),  # not translated yet: the register's name
        ("en-us", "Darnytskyi", "Darnytskyi"),
    ],
)
def test_a_name_is_in_the_readers_language_when_it_has_one(language, english, shown):
    with translation.override(language):
        assert in_reader_language("Дарницький", english) == shown


def test_the_ten_districts_have_english_names_and_show_them_to_english_readers():
    districts = District.objects.all()
    assert len(districts) == 10 and all(d.name_en for d in districts)
    darnytskyi = District.objects.get(slug="darnytskyi")
    with translation.override("uk"):
        assert (str(darnytskyi), darnytskyi.display_name) == ("Дарницький", "Дарницький")
    with translation.override("en"):
        assert (str(darnytskyi), darnytskyi.display_name) == ("Darnytskyi", "Darnytskyi")
        names = District.objects.display_names()
    assert list(names) == list(District.objects.order_by("position").values_list("slug", flat=True))
    assert names["solomianskyi"] == "Solomianskyi"


def test_an_organisation_is_named_in_the_readers_language_short_name_first():
    shelter = Organisation(
        code="s",
        kind=OrganisationKind.SHELTER,
        name="Притулок для постраждалих № 1",
        short_name="Притулок № 1",
        name_en="Shelter for people affected No. 1",
        short_name_en="Shelter No. 1",
    )
    with translation.override("uk"):
        assert (str(shelter), shelter.display_name) == (
            "Притулок № 1",
            "Притулок для постраждалих № 1",
        )
    with translation.override("en"):
        assert (str(shelter), shelter.display_name) == (
            "Shelter No. 1",
            "Shelter for people affected No. 1",
        )


@pytest.mark.parametrize(
    ("fields", "shown_in_english"),
    [
        ({}, "Shelter No. 1"),
        # No English short name: the English full name before the Ukrainian short one.
        ({"short_name_en": "", "name_en": "Shelter in full"}, "Shelter in full"),
        ({"short_name_en": ""}, "Притулок № 1"),  # no English at all
        ({"short_name_en": "", "short_name": ""}, "Притулок для постраждалих № 1"),
    ],
)
def test_an_organisation_without_some_english_name_falls_back_sensibly(fields, shown_in_english):
    names = {
        "name": "Притулок для постраждалих № 1",
        "short_name": "Притулок № 1",
        "name_en": "",
        "short_name_en": "Shelter No. 1",
    }
    shelter = Organisation(code="s", **(names | fields))
    with translation.override("en"):
        assert str(shelter) == shown_in_english
    with translation.override("uk"):
        assert str(shelter) == (shelter.short_name or shelter.name)


def test_the_sub_types_of_violence_have_english_names_and_show_them():
    subtypes = ViolenceSubtype.objects.all()
    assert subtypes and all(s.name_en for s in subtypes)
    stalking = ViolenceSubtype.objects.get(code="stalking")
    with translation.override("en"):
        assert (str(stalking), stalking.display_name) == ("Stalking", "Stalking")
    with translation.override("uk"):
        assert str(stalking) == "Переслідування"


def test_the_programme_its_task_measure_and_indicator_show_their_english_titles():
    programme = Programme(code="p", title="Програма", title_en="Programme", year_from=2022)
    task = ProgrammeTask(programme=programme, code="1", title="Завдання", title_en="Task")
    measure = Measure(task=task, code="1.1", title="Захід", title_en="")
    indicator = Indicator(
        measure=measure, code="1", title="Осіб", title_en="People", unit="осіб", unit_en="persons"
    )
    with translation.override("en"):
        assert [str(programme), str(task), str(measure), str(indicator)] == [
            "Programme",
            "1. Task",
            "1.1. Захід",  # no English title: the Ukrainian one
            "1. People",
        ]
        assert indicator.display_unit == "persons"
    with translation.override("uk"):
        assert [str(task), indicator.display_unit] == ["1. Завдання", "осіб"]


class _Quiet:
    def write(self, text: str) -> None:
        pass


def test_the_demo_gives_every_organisation_an_english_name():
    from portal import demo

    demo.seed(stdout=_Quiet())
    missing = Organisation.objects.filter(name_en="").values_list("code", flat=True)
    assert list(missing) == []
    with translation.override("en"):
        assert str(Organisation.objects.get(code="css-darnytskyi")) == "Darnytskyi social services"
        assert Organisation.objects.get(code="police-obolonskyi").display_name.startswith(
            "Obolonskyi Police Department"
        )


def test_the_imported_programme_has_english_titles_and_units():
    from portal import demo
    from programme.services import programme_import

    demo.seed(stdout=_Quiet())
    programme_import()
    assert not ProgrammeTask.objects.filter(title_en="").exists()
    assert not Measure.objects.filter(title_en="").exists()
    assert not Indicator.objects.filter(title_en="").exists()
    assert not Indicator.objects.filter(unit_en="").exists()


PROJECT_APPS = {"portal", "cases", "orders", "referrals", "programme"}


@pytest.mark.parametrize(
    "model",
    [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS],
    ids=lambda m: m._meta.label,
)
def test_every_model_of_the_portal_has_a_ukrainian_name(model):
    """A model's name reaches screens: the audit log's object column and its filter, the
    admin's titles. Django's default (the class name split into English words) is a code."""
    with translation.override("uk"):
        names = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
    assert all(any("а" <= letter.lower() <= "я" or letter in "іїєґ" for letter in n) for n in names)


def _messages(po: Path) -> list[tuple[str, str, str]]:
    """(context, message, plural) of each entry of a catalogue; wrapped lines joined."""
    entries, entry, field, parts = [], {}, None, []

    def close_field():
        if field:
            entry[field] = "".join(p.strip()[1:-1] for p in parts).replace('\\"', '"')

    for line in [*po.read_text().splitlines(), ""]:
        keyword = line.split(" ", 1)[0]
        if keyword in ("msgctxt", "msgid", "msgid_plural") or keyword.startswith("msgstr"):
            close_field()
            if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in entry):
                entries.append(entry)
                entry = {}
            field, parts = keyword, [line.split(" ", 1)[1]]
        elif line.startswith('"'):
            parts.append(line)
        else:
            close_field()
            field, parts = None, []
    close_field()
    entries.append(entry)
    return [
        (e.get("msgctxt", ""), e["msgid"], e.get("msgid_plural", ""))
        for e in entries
        if e.get("msgid")
    ]


def test_the_admins_scripts_speak_ukrainian():
    """Django's Ukrainian catalogue of the admin's scripts lacks some lines (the two-list
    chooser of an organisation's districts, the bulk-action warnings); the portal's fills them."""
    import django
    from django.utils.translation.trans_real import DjangoTranslation

    admin_locale = Path(django.__file__).parent / "contrib/admin/locale"
    uk = DjangoTranslation("uk", domain="djangojs", localedirs=[admin_locale])
    messages = _messages(admin_locale / "en/LC_MESSAGES/djangojs.po")
    untranslated = [
        message
        for context, message, plural in messages
        if (
            uk.ngettext(message, plural, 5)
            if plural
            else uk.pgettext(context, message)
            if context
            else uk.gettext(message)
        )
        in (message, plural)
    ]
    assert len(messages) > 40 and untranslated == []
