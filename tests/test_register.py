"""Tests for the school register: place matching, level parsing, agencies and school codes."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import pytest
from exchange.geography import Gazetteer, normalise_place_name
from exchange.ids import parse_school_code
from exchange.register import assign_agency, build_register, load_affiliation_codes
from exchange.school_levels import bands_for_school, infer_bands_from_name, parse_level_text
from exchange.settings import REFERENCE_DIR


@pytest.fixture(scope="module")
def register():
    return build_register(7, REFERENCE_DIR)


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.load(REFERENCE_DIR / "geography")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("อำเภอ เมืองเชียงใหม่", "เมืองเชียงใหม่"),
        ("เขตภาษีเจริญ", "ภาษีเจริญ"),
        ("ตาคลี \u200b", "ตาคลี"),
        ("จะนะ}", "จะนะ"),
        ("ต.หนองทะเล", "หนองทะเล"),
        ("แขวงบางด้วน", "บางด้วน"),
        ("ล\u0e4d\u0e32ทับ", "ลำทับ"),
        ("บ้าน – ใหม่", "บ้าน-ใหม่"),
        ("เขต", "เขต"),
    ],
)
def test_normalise_place_name(raw, expected):
    assert normalise_place_name(raw) == expected


def test_match_bangkok_district_with_prefix(gazetteer):
    place = gazetteer.match("10", "เขตภาษีเจริญ", "บางด้วน")
    assert place.district_code.startswith("10")
    assert len(place.district_code) == 4
    assert place.subdistrict_code.startswith(place.district_code)


def test_match_falls_back_to_unique_subdistrict(gazetteer):
    direct = gazetteer.match("81", "คลองท่อม", "คลองท่อมใต้")
    assert direct.subdistrict_code
    assert gazetteer.match("81", "ไม่มีอำเภอนี้", "คลองท่อมใต้") == direct


def test_match_unknown_names_give_empty_codes(gazetteer):
    place = gazetteer.match("81", "ไม่มีอำเภอนี้", "ไม่มีตำบลนี้")
    assert place.district_code == ""
    assert place.subdistrict_code == ""


@pytest.mark.parametrize(
    ("text", "bands"),
    [
        ("อนุบาล–ประถมศึกษา", ("pre_primary", "primary")),
        ("อนุบาล-ประถมศึกษา", ("pre_primary", "primary")),
        ("อนุบาล–มัธยมศึกษาตอนต้น", ("pre_primary", "primary", "lower_secondary")),
        ("มัธยมศึกษา", ("lower_secondary", "upper_secondary")),
        ("มัธยมศึกษาตอนปลาย", ("upper_secondary",)),
        ("มัธยมศึกษาตอนต้น-ตอนปลาย", ("lower_secondary", "upper_secondary")),
        ("ปฐมวัย-ประถม-ม.ต้น", ("pre_primary", "primary", "lower_secondary")),
        ("อนุบาล-มัทยมศึกษาตอนต้น", ("pre_primary", "primary", "lower_secondary")),
        ("13|อนุบาล–มัธยมศึกษาตอนต้น}", ("pre_primary", "primary", "lower_secondary")),
        ("ปวช. ปวส. ปริญญาตรี", ("vocational", "higher_vocational")),
        ("", ()),
        ("undefined", ()),
        ("ปริญญาตรี", ()),
    ],
)
def test_parse_level_text(text, bands):
    assert parse_level_text(text) == bands


@pytest.mark.parametrize(
    ("name", "bands"),
    [
        ("วิทยาลัยเทคนิคถลาง", ("vocational", "higher_vocational")),
        ("โรงเรียนอนุบาลปรางทิพย์", ("pre_primary", "primary")),
        ("โรงเรียนบ้านหนองบัววิทยาคม", ("lower_secondary", "upper_secondary")),
        ("โรงเรียนบ้านโนนสูงพิทยา", ("pre_primary", "primary", "lower_secondary")),
        ("โรงเรียนวัดป่าเลไลยก์", ("pre_primary", "primary")),
    ],
)
def test_infer_bands_from_name(name, bands):
    assert infer_bands_from_name(name) == bands


def test_blank_level_is_inferred():
    assert bands_for_school("undefined", "โรงเรียนวัดใหม่") == (("pre_primary", "primary"), True)
    assert bands_for_school("มัธยมศึกษา", "โรงเรียนวัดใหม่") == (("lower_secondary", "upper_secondary"), False)


@pytest.mark.parametrize(
    ("name", "level", "bands", "province", "agency"),
    [
        ("วิทยาลัยเทคนิคภูเก็ต", "ปวช. ปวส.", ("vocational", "higher_vocational"), "83", "OVEC"),
        ("โรงเรียนเทศบาล 1 (ตลาดเก่า)", "", ("pre_primary", "primary"), "81", "DLA"),
        ("โรงเรียนองค์การบริหารส่วนจังหวัดกระบี่", "มัธยมศึกษา", ("lower_secondary", "upper_secondary"), "81", "DLA"),
        ("โรงเรียนนานาชาติเวลล์ส", "", ("pre_primary", "primary"), "10", "OPEC"),
        ("โรงเรียนเตรียมอุดมศึกษา", "มัธยมศึกษาตอนปลาย", ("upper_secondary",), "10", "OBEC"),
        ("โรงเรียนวัดประสาท", "", ("pre_primary", "primary"), "10", "BMA"),
        ("โรงเรียนสุเหร่าใหม่", "", ("pre_primary", "primary"), "10", "BMA"),
        ("โรงเรียนอนุบาลอิ่มเอม", "", ("pre_primary", "primary"), "10", "OPEC"),
        ("โรงเรียนบ้านคลองพน", "อนุบาล–ประถมศึกษา", ("pre_primary", "primary"), "81", "OBEC"),
    ],
)
def test_assign_agency_rules(name, level, bands, province, agency):
    assert assign_agency(name, level, bands, province, random.Random(1)) == agency


def test_register_is_deterministic(register):
    again = build_register(7, REFERENCE_DIR)
    assert again.schools == register.schools


def test_register_codes_unique_and_well_formed(register):
    affiliation = load_affiliation_codes(REFERENCE_DIR / "agencies.csv")
    codes = [school.school_code for school in register.schools]
    assert len(codes) == len(set(codes))
    numbers = defaultdict(list)
    for school in register.schools:
        parts = parse_school_code(school.school_code)
        assert parts.affiliation_code == affiliation[school.agency] == school.affiliation_code
        assert parts.province_code == school.province_code
        numbers[(parts.affiliation_code, parts.province_code)].append(int(parts.number))
    for sequence in numbers.values():
        assert sequence == list(range(1, len(sequence) + 1))


def test_register_covers_the_list_plus_synthetic_schools(register, gazetteer):
    listed = [school for school in register.schools if not school.synthetic]
    assert len(listed) == 36249
    centres = Counter(school.district_code for school in register.schools if school.agency == "ONIE")
    assert set(centres) == {district.code for district in gazetteer.districts}
    assert set(centres.values()) == {1}
    vocational = {school.province_code for school in register.schools if school.agency == "OVEC"}
    assert vocational == {province.code for province in gazetteer.provinces}


def test_register_counts_unmatched_places(register):
    assert register.unmatched_districts == sum(not school.district_code for school in register.schools)
    assert register.unmatched_subdistricts == sum(not school.subdistrict_code for school in register.schools)
    assert 0 < register.unmatched_districts < 200
    assert register.unmatched_subdistricts < 400


def test_matched_codes_nest(register):
    for school in register.schools:
        if school.district_code:
            assert school.district_code[:2] == school.province_code
        if school.subdistrict_code:
            assert school.subdistrict_code[:4] == school.district_code


def test_register_agency_mix(register):
    counts = register.agency_counts
    assert set(counts) == {"OBEC", "OPEC", "ONIE", "OVEC", "DLA", "BMA"}
    assert {school.province_code for school in register.schools if school.agency == "BMA"} == {"10"}
    assert counts["OBEC"] > counts["OPEC"] > counts["DLA"] > counts["BMA"]


def test_seed_changes_only_drawn_agencies(register):
    other = build_register(8, REFERENCE_DIR)
    ruled = [a for a, b in zip(register.schools, other.schools, strict=True) if "เทศบาล" in a.name]
    assert ruled and all(school.agency == "DLA" for school in ruled)
    assert [school.agency for school in register.schools] != [school.agency for school in other.schools]
