"""The SQL forms of the shared rules agree with portal.calendar's Python forms: age in the
statistics (programme/statistics.py) is age_on, at the edges where the two could part."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from portal.calendar import age_on
from programme.statistics import age_sql

EDGES = [
    # born on 29 February: a common year's 28 February, 1 March; a leap year's 28 and 29 February
    (date(2008, 2, 29), date(2025, 2, 28)),
    (date(2008, 2, 29), date(2025, 3, 1)),
    (date(2008, 2, 29), date(2028, 2, 28)),
    (date(2008, 2, 29), date(2028, 2, 29)),
    # a birthday on the period's last day, and the day before it
    (date(2006, 9, 30), date(2024, 9, 30)),
    (date(2006, 10, 1), date(2024, 9, 30)),
    (date(2006, 12, 31), date(2024, 12, 31)),
    (date(2007, 1, 1), date(2024, 12, 31)),
    # an infant: 0 on the day of birth and the day before the first birthday, 1 on it
    (date(2024, 5, 1), date(2024, 5, 1)),
    (date(2024, 5, 1), date(2025, 4, 30)),
    (date(2024, 5, 1), date(2025, 5, 1)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("birth", "day"), EDGES)
def test_the_sql_age_of_the_statistics_is_age_on(birth, day):
    # age_sql is this module's constant text; the dates are bound parameters.
    sql = f"SELECT {age_sql('t.birth', 't.day')} FROM (SELECT %s::date AS birth, %s::date AS day) t"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [birth, day])
        [(sql_age,)] = cursor.fetchall()
    assert sql_age == age_on(birth, day)
