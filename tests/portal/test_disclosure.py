"""The disclosure rule at its edges, without a database (portal/disclosure.py)."""

from __future__ import annotations

from portal.disclosure import (
    LESS_THAN_FIVE,
    WITHHELD,
    Sum,
    change,
    protect,
    publishable,
    scale_peak,
    share,
)


def _column(cells: dict[str, int], total: int) -> tuple[dict, list[Sum]]:
    return {**cells, "total": total}, [Sum("total", tuple(cells))]


def test_one_to_four_is_less_than_five_and_five_is_shown():
    shown = protect({"a": 1, "b": 4, "c": 5})
    assert shown == {"a": LESS_THAN_FIVE, "b": LESS_THAN_FIVE, "c": 5}


def test_zero_stays_zero_it_is_not_a_small_count_of_people():
    values, sums = _column({"a": 0, "b": 40, "c": 60}, 100)
    assert protect(values, sums) == values


def test_a_column_with_one_hidden_cell_gets_a_second_one_hidden():
    values, sums = _column({"a": 2, "b": 9, "c": 40, "d": 0}, 51)
    shown = protect(values, sums)
    assert shown["a"] == LESS_THAN_FIVE
    assert shown["b"] == WITHHELD  # the next smallest
    assert (shown["c"], shown["d"], shown["total"]) == (40, 0, 51)


def test_the_total_minus_the_published_cells_cannot_reveal_the_small_one():
    values, sums = _column({"a": 1, "b": 5, "c": 8, "d": 30}, 44)
    shown = protect(values, sums)
    hidden = [k for k in values if shown[k] in (LESS_THAN_FIVE, WITHHELD) and k != "total"]
    # The hidden cells add up to at least the "<5"'s band above their known minimum (1 and 5
    # each): a 1 next to a lone 5 would be pinned (44 - 38 - 5), so 8 goes too.
    assert hidden == ["a", "b", "c"]
    left = 44 - sum(v for k, v in shown.items() if k != "total" and isinstance(v, int))
    assert left - (1 + 5 + 5) >= 3


def test_when_nothing_else_is_left_the_total_is_withheld_and_so_in_every_table_sharing_it():
    values = {"d1": 5, "d2": 1, "d3": 0, "c1": 6, "c2": 0, "total": 6}
    sums = [Sum("total", ("d1", "d2", "d3")), Sum("total", ("c1", "c2"))]
    shown = protect(values, sums)
    assert shown["total"] == WITHHELD
    assert shown["c1"] == WITHHELD  # otherwise the channel table gives the total back
    assert (shown["d3"], shown["c2"]) == (0, 0)


def test_a_small_total_is_less_than_five_itself():
    values, sums = _column({"a": 3, "b": 0}, 3)
    assert protect(values, sums) == {"a": LESS_THAN_FIVE, "b": 0, "total": LESS_THAN_FIVE}


def test_values_that_are_not_counts_pass_through():
    assert protect({"pct": 2.5, "none": None, "yes": True}) == {
        "pct": 2.5,
        "none": None,
        "yes": True,
    }


def test_a_change_with_a_hidden_side_has_no_difference_and_no_per_cent():
    exact = {"current": 3, "previous": 10, "diff": -7, "pct": -70.0}
    assert change(LESS_THAN_FIVE, 10, exact) == {
        "current": LESS_THAN_FIVE,
        "previous": 10,
        "diff": None,
        "pct": None,
    }
    assert change(WITHHELD, 10, exact)["pct"] is None
    shown = {"current": 30, "previous": 10, "diff": 20, "pct": 200.0}
    assert change(30, 10, shown) == shown


def test_the_share_of_a_hidden_or_small_count_is_hidden():
    assert share(LESS_THAN_FIVE, 40, 5.0) is None
    assert share(10, WITHHELD, 25.0) is None
    assert share(3, 40, 7.5) is None  # a small count, even if shown elsewhere
    assert share(10, 40, 25.0) == 25.0
    assert share(0, 40, 0.0) == 0.0
    assert publishable(0, 5) and not publishable(5, 4)


def test_the_chart_scale_comes_from_the_shown_values_only():
    assert scale_peak([LESS_THAN_FIVE, 12, WITHHELD, 0, None]) == 12
    assert scale_peak([WITHHELD, LESS_THAN_FIVE]) == 1
