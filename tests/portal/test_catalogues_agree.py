"""Django merges the apps' Ukrainian catalogues into one: a word without a context translated
differently in two apps takes the translation of the app listed first in INSTALLED_APPS on every
page. (A plain "draft" added for the procedure turned the programme's "чернетка" into "проєкт".)
A new word that means different things gets a context (pgettext); the few words below already
differ, each for a reason."""

from __future__ import annotations

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ["locale", "cases/locale", "orders/locale", "referrals/locale", "programme/locale"]

# (msgid) → why its translations may differ: the app listed first wins, and its word fits the
# other places too (or the other app's field is never shown).
KNOWN = {
    "position": "the agenda's 'порядок' (admin only) and a member's 'посада' (programme first)",
    "active": "gender agreement with the model's noun; shown in the admin only",
    "title": "'заголовок'/'назва': model field names in the admin",
    "note": "'нотатка' on a case, 'примітка' on a policy: the cases' word wins in the admin",
    "reported": "'повідомлено' (case) and 'звіт подано' (progress), different columns",
    "Name": "'Ім'я' of a person and 'Назва' of a holiday, different forms",
    "in force": "the policy's 'чинна' and the programme's 'чинний'",
}


def test_a_word_without_context_means_the_same_in_every_app():
    seen: dict[str, dict[str, str]] = {}
    for catalogue in CATALOGUES:
        for entry in polib.pofile(str(ROOT / catalogue / "uk/LC_MESSAGES/django.po")):
            if entry.obsolete or entry.msgctxt or not entry.msgstr:
                continue
            seen.setdefault(entry.msgid, {})[catalogue] = entry.msgstr
    differing = {
        msgid: translations
        for msgid, translations in seen.items()
        if len(set(translations.values())) > 1 and msgid not in KNOWN
    }
    assert differing == {}
