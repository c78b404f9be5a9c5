"""Fixtures shared by the programme's tests."""

from __future__ import annotations

import pytest

from portal.models import Organisation
from programme.models import Indicator, Measure, Programme, ProgrammeTask


@pytest.fixture
def measure(executor):
    """A measure of the executor persona's organisation (the city centre), with one indicator."""
    programme = Programme.objects.create(
        code="dv", title="Програма протидії насильству", year_from=2022, year_to=2026
    )
    task = ProgrammeTask.objects.create(programme=programme, code="1", title="Телефон довіри")
    measure = Measure.objects.create(task=task, code="1.1", title="Цілодобове консультування")
    measure.executors.add(Organisation.objects.get(code="city-centre"))
    Indicator.objects.create(measure=measure, code="1", title="Консультовано", unit="осіб")
    return measure
