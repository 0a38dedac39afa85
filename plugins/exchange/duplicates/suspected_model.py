"""The Splink model that scores pairs of student records without a shared personal ID.

The m and u probabilities are set here rather than trained on each run. A term's candidate
population can be a handful of records (a small agency, a test) or over 100,000 (the national
G-code population), and training on the smaller ones gives unstable weights. The values are
estimates for Thai school rolls: m from how often one child's two records differ in a field
(typing errors, nicknames, moves), u from how often two different children agree by chance.
They were checked against the generated term data with scripts/measure_matching.py.
"""

from __future__ import annotations

# Prior probability that two candidate records are the same child. The national candidate
# population is about 125,000 records (1% of 12.5 million students have G codes) holding a few
# thousand duplicated children: 3,000 / (125,000^2 / 2) is about 4e-7.
PRIOR_MATCH_PROBABILITY = 4e-7

# Pairs at or above this probability join a cluster; a cluster on two or more schools' rolls
# becomes a suspected case.
MATCH_THRESHOLD = 0.95

# Each blocking rule compares only records at different schools whose personal IDs differ: a
# shared ID is an exact case already, and the same school twice is not a duplicate between schools.
_DIFFERENT = "l.school_code <> r.school_code AND l.personal_id IS DISTINCT FROM r.personal_id"
BLOCKING_RULES = (
    # The G-code population, and mistyped IDs: one child keeps the same birth date and gender.
    f"l.birth_date = r.birth_date AND l.gender = r.gender AND {_DIFFERENT}",
    # A birth date typed differently at one of the schools.
    f"l.first_name = r.first_name AND l.last_name = r.last_name AND {_DIFFERENT}",
)


def _name_comparison(column: str, m_probabilities: list[float], u_probabilities: list[float]):
    """Compare a name exactly, by its Thai sound key (dedup.thai_name_key, exported as
    <column>_key), then by Jaro-Winkler similarity."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    levels = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column),
        cll.ExactMatchLevel(f"{column}_key").configure(label_for_charts="same Thai sound key"),
        cll.JaroWinklerLevel(column, 0.92),
        cll.JaroWinklerLevel(column, 0.8),
        cll.ElseLevel(),
    ]
    for level, m_probability, u_probability in zip(levels[1:], m_probabilities, u_probabilities, strict=True):
        level.configure(m_probability=m_probability, u_probability=u_probability)
    return cl.CustomComparison(levels, output_column_name=column, comparison_description=f"{column} spelling")


def build_settings():
    """Return the Splink SettingsCreator for dedupe_only matching of the candidate records."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator

    first_name = _name_comparison("first_name", m_probabilities=[0.85, 0.06, 0.03, 0.03, 0.03],
                                  u_probabilities=[0.002, 0.001, 0.003, 0.02, 0.974])
    last_name = _name_comparison("last_name", m_probabilities=[0.85, 0.06, 0.03, 0.03, 0.03],
                                 u_probabilities=[0.001, 0.0005, 0.002, 0.02, 0.9765])
    birth_date = cl.DateOfBirthComparison(
        "birth_date", input_is_string=False, datetime_thresholds=[1, 1], datetime_metrics=["month", "year"]
    ).configure(
        m_probabilities=[0.9, 0.05, 0.02, 0.02, 0.01], u_probabilities=[0.0002, 0.002, 0.003, 0.05, 0.9448]
    )
    gender = cl.ExactMatch("gender").configure(m_probabilities=[0.98, 0.02], u_probabilities=[0.5, 0.5])
    location = cl.CustomComparison(
        output_column_name="location",
        comparison_description="the district and province of the two schools",
        comparison_levels=[
            cll.NullLevel("province_code"),
            cll.ExactMatchLevel("district_code").configure(m_probability=0.6, u_probability=0.005),
            cll.ExactMatchLevel("province_code").configure(m_probability=0.25, u_probability=0.02),
            cll.ElseLevel().configure(m_probability=0.15, u_probability=0.975),
        ],
    )
    # Two valid Thai IDs more than one typing error apart were issued to two people, so that level
    # is near-conclusive against a match. Without it, namesakes born on the same day would match on
    # name, birth date and place alone, which happens often where few names are in use.
    personal_id = cl.CustomComparison(
        output_column_name="personal_id",
        comparison_description="how far apart the two personal IDs are",
        comparison_levels=[
            cll.NullLevel("personal_id"),
            cll.CustomLevel(
                "id_kind_l <> 'g_code' AND id_kind_r <> 'g_code' "
                "AND damerau_levenshtein(personal_id_l, personal_id_r) <= 1",
                label_for_charts="one digit changed or two neighbours swapped",
            ).configure(m_probability=0.45, u_probability=0.0001),
            cll.CustomLevel(
                "id_kind_l = 'g_code' OR id_kind_r = 'g_code'",
                label_for_charts="a G code on either side: the codes tell nothing",
            ).configure(m_probability=0.45, u_probability=0.45),
            cll.CustomLevel(
                "id_kind_l = 'invalid' OR id_kind_r = 'invalid'",
                label_for_charts="an invalid ID on either side, more than one typing error away",
            ).configure(m_probability=0.099999, u_probability=0.0999),
            cll.ElseLevel().configure(m_probability=0.000001, u_probability=0.45),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=PRIOR_MATCH_PROBABILITY,
        comparisons=[first_name, last_name, birth_date, gender, location, personal_id],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["school_code"],
    )
