"""Dataset contracts: valid files, header matching, and a data dictionary in step with them."""

from __future__ import annotations

from exchange import dictionary
from exchange.contracts import DATASETS, all_contracts, load_contract

from tests.conftest import ROOT


def test_every_dataset_has_a_contract():
    assert [contract.dataset for contract in all_contracts()] == list(DATASETS)


def test_headers_match_in_thai_and_english():
    students = load_contract("students")
    assert students.match_header("personal_id") == "personal_id"
    assert students.match_header(" เลขประจำตัวประชาชน ") == "personal_id"
    assert students.match_header("\ufeffรหัสสถานศึกษา") == "school_code"
    assert students.match_header("First Name") == "first_name"
    assert students.match_header("nickname") is None
    assert students.match_header("first_name") == "first_name"
    assert students.match_header("FIRST_NAME") == "first_name"


def test_personal_columns_are_marked():
    assert load_contract("students").personal_columns == [
        "personal_id",
        "first_name",
        "last_name",
        "birth_date",
    ]
    assert load_contract("schools").personal_columns == []


def test_data_dictionary_is_up_to_date():
    committed = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == dictionary.render(), "run `exchange dictionary` and commit docs/data-dictionary.md"
