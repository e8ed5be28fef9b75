"""Long lists a page at a time: the right rows, the total, and no page past the end."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import Department
from equity_tool.core.paging import page_number, paged, paged_parts


@pytest.fixture
def departments(session):
    session.add_all(Department(name=f"Department {n:02}") for n in range(1, 8))
    session.commit()
    return select(Department.name).order_by(col(Department.name))


def test_pages_hold_the_rows_in_order_and_count_the_whole_list(session, departments):
    first = paged(session, departments, 1, size=3)
    last = paged(session, departments, 3, size=3)
    assert first.items == ["Department 01", "Department 02", "Department 03"]
    assert (first.total, first.pages, first.has_previous, first.has_next) == (7, 3, False, True)
    assert last.items == ["Department 07"]
    assert (last.first_row, last.has_previous, last.has_next) == (7, True, False)


def test_a_page_past_the_end_is_not_found_but_an_empty_list_has_page_one(session, departments):
    with pytest.raises(NotFound):
        paged(session, departments, 4, size=3)
    empty = paged(session, departments.where(Department.name == "Parks"), 1, size=3)
    assert (empty.items, empty.total, empty.pages, empty.first_row) == ([], 0, 1, 0)


@pytest.mark.parametrize("raw", ["0", "-1", "x", "1.5", "٣", "99999999999"])
def test_a_page_number_that_is_not_one_names_no_page(raw):
    with pytest.raises(NotFound):
        page_number(raw)


def test_no_page_number_is_the_first_page():
    assert page_number(None) == page_number("") == 1
    assert page_number("12") == 12


def test_a_list_in_two_parts_pages_across_the_seam(session, departments):
    # As the department's items: the dated part first, then the undated one, each in its order.
    names = col(Department.name)
    first = departments.where(names <= "Department 04").order_by(None).order_by(names.desc())
    rest = departments.where(names > "Department 04")
    pages = [paged_parts(session, [first, rest], n, size=3) for n in (1, 2, 3)]
    assert [p.items for p in pages] == [
        ["Department 04", "Department 03", "Department 02"],
        ["Department 01", "Department 05", "Department 06"],
        ["Department 07"]]
    assert {p.total for p in pages} == {7}
    with pytest.raises(NotFound):
        paged_parts(session, [first, rest], 4, size=3)
