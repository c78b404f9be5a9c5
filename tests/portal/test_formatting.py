"""Durations read as words, in the reader's language."""

from datetime import timedelta

import pytest
from django.utils import translation

from portal.templatetags.portal_format import duration_words


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (timedelta(seconds=10.912745), "< 1 хв"),
        (timedelta(minutes=10, seconds=59), "10 хв"),
        (timedelta(hours=1, minutes=20), "1 год\u00a020 хв"),
        (timedelta(days=2, hours=3, minutes=5), "2 дн\u00a03 год"),
        (timedelta(days=1), "1 дн"),
        (None, "—"),
    ],
)
def test_a_duration_is_said_in_words_with_the_two_largest_units(value, words):
    with translation.override("uk"):
        assert duration_words(value) == words
