"""The monthly update: validation first, then fresh statistics."""

from __future__ import annotations

import importlib
import importlib.util

import pytest
from exchange.outputs import monthly_refresh

from tests.outputs_data import TermData, thai_id


def rules_installed() -> bool:
    if importlib.util.find_spec("exchange.rules") is None:
        return False
    return hasattr(importlib.import_module("exchange.rules"), "validate_term")


RULES_INSTALLED = rules_installed()


@pytest.fixture
def term(clean_warehouse, tmp_path, monkeypatch):
    # Validation writes Data Docs under the output root; keep them out of the project.
    monkeypatch.setenv("EXCHANGE_OUTPUT_ROOT", str(tmp_path))
    data = TermData(clean_warehouse)
    data.school("OBEC", "1010000001", "โรงเรียนบ้านเอ", "10")
    data.student("OBEC", "1010000001", thai_id(1))
    data.student("OBEC", "1010000001", thai_id(2))
    # A 13-digit ID with a wrong check digit: validation must flag it before the count runs.
    wrong_check_digit = thai_id(3)[:12] + str((int(thai_id(3)[12]) + 1) % 10)
    data.student("OBEC", "1010000001", wrong_check_digit)
    return data


@pytest.mark.skipif(RULES_INSTALLED, reason="exchange.rules is installed")
def test_monthly_refresh_without_rules_package(term, warehouse_address):
    with pytest.raises(RuntimeError, match="exchange.rules.validate_term is missing"):
        monthly_refresh(term.connection, warehouse_address, 2566, 1)


@pytest.mark.skipif(not RULES_INSTALLED, reason="exchange.rules is not installed yet")
def test_monthly_refresh_validates_then_counts(term, warehouse_address):
    result = monthly_refresh(term.connection, warehouse_address, 2566, 1)
    assert result["validation"]["validated"] == 2  # the schools and the students submission
    assert result["validation"]["issues_open"] >= 1
    assert result["statistics"]["students"] == 2
    with term.connection.cursor() as cursor:
        cursor.execute("SELECT rule_id FROM quality.open_issue WHERE severity = 'error' AND source_row = 4")
        assert [row[0] for row in cursor.fetchall()] == ["STU-011"]
