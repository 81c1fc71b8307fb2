from __future__ import annotations

from datetime import date

from domain.people.availability import Absence, status_on


def test_available_when_no_absence_covers_the_day():
    assert status_on([Absence("sick", date(2020, 3, 23), date(2020, 3, 27))], date(2020, 3, 30)) is None


def test_an_absence_covers_its_first_and_last_day():
    absence = Absence("self_isolating", date(2020, 3, 23), date(2020, 4, 5))
    assert status_on([absence], date(2020, 3, 23)) == absence
    assert status_on([absence], date(2020, 4, 5)) == absence


def test_an_open_ended_absence_covers_every_later_day():
    absence = Absence("shielding", date(2020, 3, 23))
    assert status_on([absence], date(2021, 7, 19)) == absence


def test_the_latest_information_wins_where_periods_overlap():
    older = Absence("leave", date(2020, 4, 1), date(2020, 4, 10))
    newer = Absence("sick", date(2020, 4, 6), date(2020, 4, 8))
    assert status_on([older, newer], date(2020, 4, 7)) == newer
