"""Dates written the Thai way, in the Buddhist Era: 10 มิถุนายน 2566."""

from __future__ import annotations

import datetime as dt

from exchange import calendar

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)


def thai_date(date: dt.date) -> str:
    """Return a date as day, Thai month name and Buddhist Era year."""
    return f"{date.day} {THAI_MONTHS[date.month - 1]} {date.year + calendar.BUDDHIST_ERA_OFFSET}"


def thai_datetime(moment: dt.datetime) -> str:
    """Return a moment as its Thai date and Bangkok time: 30 มิถุนายน 2566 เวลา 17:05 น."""
    local = moment.astimezone(calendar.BANGKOK)
    return f"{thai_date(local.date())} เวลา {local:%H:%M} น."
