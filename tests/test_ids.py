"""Tests for Thai personal IDs, G codes and school codes."""

import random

import pytest
from exchange.ids import (
    SchoolCode,
    format_school_code,
    is_g_code,
    is_valid_thai_id,
    make_thai_id,
    parse_school_code,
    thai_id_check_digit,
)


def test_check_digit_worked_example():
    # 1*13 + 1*12 + 0*11 + 3*10 + 7*9 + 0*8 + 0*7 + 0*6 + 1*5 + 2*4 + 3*3 + 4*2 = 148;
    # 148 % 11 = 5, so the check digit is (11 - 5) % 10 = 6.
    assert thai_id_check_digit("110370001234") == 6


def test_check_digit_second_example():
    # 39 + 12 + 0 + 10 + 18 + 0 + 0 + 6 + 10 + 12 + 12 + 10 = 129; 129 % 11 = 8, so 3.
    assert thai_id_check_digit("310120012345") == 3


@pytest.mark.parametrize(
    ("first12", "expected"),
    [
        ("100000000030", 1),  # s = 22, s % 11 = 0, (11 - 0) % 10 = 1
        ("100000000004", 1),  # s = 21, s % 11 = 10, (11 - 10) % 10 = 1
        ("100000000005", 0),  # s = 23, s % 11 = 1, (11 - 1) % 10 = 0
    ],
)
def test_check_digit_wraps_at_ten_and_eleven(first12, expected):
    assert thai_id_check_digit(first12) == expected


def test_valid_id_accepted():
    assert is_valid_thai_id("1103700012346")


@pytest.mark.parametrize("position", [0, 1, *range(3, 13)])
def test_one_digit_change_rejected(position):
    valid = "1103700012346"
    for replacement in "0123456789":
        if replacement == valid[position]:
            continue
        changed = valid[:position] + replacement + valid[position + 1 :]
        assert not is_valid_thai_id(changed), changed


def test_third_digit_change_keeps_check():
    # The third digit has weight 11, which is 0 mod 11, so the checksum cannot see a change there.
    for replacement in "02345678":
        assert is_valid_thai_id("11" + replacement + "3700012346")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "110370001234",
        "11037000123460",
        "110370001234x",
        "G66100000001",
        " 1103700012346",
        1103700012346,
        None,
    ],
)
def test_malformed_id_rejected(value):
    assert not is_valid_thai_id(value)


def test_check_digit_rejects_wrong_length():
    with pytest.raises(ValueError, match="12 digits"):
        thai_id_check_digit("11037000123")


def test_make_id_from_digits():
    assert make_thai_id("110370001234") == "1103700012346"


def test_make_id_from_rng_is_valid_and_seeded():
    first = [make_thai_id(rng=random.Random(5), person_type=0) for _ in range(3)]
    assert len(set(first)) == 1
    assert first[0].startswith("0")
    assert is_valid_thai_id(first[0])


def test_make_id_many_random_are_valid():
    rng = random.Random(11)
    for _ in range(500):
        assert is_valid_thai_id(make_thai_id(rng=rng, person_type=rng.choice([1, 3, 6, 7])))


@pytest.mark.parametrize("value", ["G661000000001", "G000000000000"])
def test_g_code_accepted(value):
    assert is_g_code(value)


@pytest.mark.parametrize("value", ["G66100000001", "g661000000001", "G6610000000012", "1661000000001", None])
def test_g_code_rejected(value):
    assert not is_g_code(value)


def test_parse_school_code_parts():
    code = parse_school_code("3110000042")
    assert code == SchoolCode(affiliation_code="31", province_code="10", number="000042")
    assert str(code) == "3110000042"


@pytest.mark.parametrize("value", ["311000004", "31100000421", "31-1000004", "", None, 3110000042])
def test_parse_school_code_rejects_malformed(value):
    with pytest.raises(ValueError, match="10 digits"):
        parse_school_code(value)


def test_format_school_code_pads_number():
    assert format_school_code("10", "50", 7) == "1050000007"


def test_format_school_code_rejects_large_number():
    with pytest.raises(ValueError, match="999999"):
        format_school_code("10", "50", 10**6)
