# Tests of the demo generator: deterministic from the seed, realistic ranges the issue asks for,
# obviously fictional names, and the demo flag that drives the "Demodata" notice.
"""Demo database generator."""

from __future__ import annotations

import pandas as pd

from pluginnan_core import demo, reference


def test_same_seed_same_data_other_seed_other_data() -> None:
    a, b, c = demo.build("region", 7), demo.build("region", 7), demo.build("region", 8)
    pd.testing.assert_frame_equal(a.eligibility_school, b.eligibility_school)
    pd.testing.assert_frame_equal(a.absence_month, b.absence_month)
    assert not a.absence_month["franvaro_min"].equals(c.absence_month["franvaro_min"])


def test_region_scale_covers_the_50_kommuner(demo) -> None:
    kommuner = set(demo.query("SELECT DISTINCT kommun_kod FROM school")["kommun_kod"])
    assert kommuner == set(reference.REGION_KOMMUNER)
    assert demo.is_demo


def test_eligibility_is_realistic(demo) -> None:
    df = demo.query("""SELECT behorig_yrk FROM eligibility_school WHERE grupp = 'alla' AND behorig_yrk IS NOT NULL""")
    share_in_range = df["behorig_yrk"].between(60, 100).mean()
    assert share_in_range > 0.95
    gap = demo.query("""SELECT avg(CASE WHEN grupp='flickor' THEN behorig_yrk END)
                               - avg(CASE WHEN grupp='pojkar' THEN behorig_yrk END) AS gap
                        FROM eligibility_kommun""")["gap"][0]
    assert 1 <= gap <= 6  # a gap of a few points between flickor and pojkar


def test_absence_has_winter_peak_and_2020_21_bump(demo) -> None:
    by_month = demo.query("""SELECT month(manad) AS m, sum(franvaro_min) / sum(schemalagd_min) AS r
                             FROM absence_month WHERE grupp = 'alla' GROUP BY 1""").set_index("m")["r"]
    assert by_month[2] > by_month[9] and by_month[12] > by_month[10]
    by_year = demo.query("""SELECT lasar, 100 * sum(franvaro_min) / sum(schemalagd_min) AS r
                            FROM absence_month WHERE grupp = 'alla' GROUP BY 1""").set_index("lasar")["r"]
    assert by_year["2020/21"] == by_year.max()
    assert by_year.between(6, 12).all()


def test_share_at_or_above_15_percent_is_8_to_15(demo) -> None:
    share = demo.scalar("""SELECT 100 * sum(t.antal_over) / sum(a.antal_elever)
                           FROM absence_month a JOIN absence_threshold t USING (skolenhetskod, manad, grupp)
                           WHERE a.grupp = 'alla' AND t.troskel_pct = 15 AND a.lasar <> '2020/21'""")
    assert 8 <= share <= 15


def test_about_30_subprojects_at_schools_below_90_percent(demo) -> None:
    assert demo.scalar("SELECT count(*) FROM subproject") == 30
    assert demo.scalar("SELECT count(DISTINCT code) FROM subproject_intervention") >= 5
    assert demo.scalar("SELECT count(*) FROM subproject WHERE start_datum > current_date") >= 1


def test_names_are_obviously_fictional(demo) -> None:
    names = demo.query("SELECT namn FROM school")["namn"]
    assert names.str.contains("|".join(demo_places())).all()
    codes = demo.query("SELECT skolenhetskod FROM school")["skolenhetskod"]
    assert codes.str.fullmatch(r"00\d{6}").all()  # text codes with leading zeros kept


def demo_places() -> list[str]:
    from pluginnan_core.demo import _PLACES

    return _PLACES


def test_national_scale_sizes() -> None:
    data = demo.build("national", 1)
    assert data.schools["kommun_kod"].nunique() == 290
    ak9 = data.eligibility_school["skolenhetskod"].nunique()
    assert 1600 <= ak9 <= 1800
    assert 4500 <= data.absence_month["skolenhetskod"].nunique() <= 5100
    assert data.absence_month["lasar"].nunique() == 6
