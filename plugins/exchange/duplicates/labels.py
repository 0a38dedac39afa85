"""Thai labels for the values that office files show, and the answer codes offices use."""

from __future__ import annotations

# Codes 100 and 201-206 are the ones the ministry used in an earlier cross-affiliation check;
# reference.duplicate_answer holds the same list.
ANSWERS = (
    (100, "studying_here", "กำลังศึกษาอยู่", "studying here"),
    (201, "not_found", "ไม่พบตัว", "not found"),
    (202, "graduated", "สำเร็จการศึกษา", "graduated"),
    (203, "moved_or_left", "ย้ายหรือออกจากสถานศึกษา", "moved or left"),
    (204, "unreachable", "ติดต่อไม่ได้", "unreachable"),
    (205, "deceased", "เสียชีวิต", "deceased"),
    (206, "other", "อื่น ๆ", "other"),
)
ANSWER_LABEL = {code: label_th for code, _key, label_th, _label_en in ANSWERS}

KIND_TH = {"exact": "เลขประจำตัวซ้ำ", "suspected": "สงสัยว่าเป็นคนเดียวกัน"}
LEVEL_TH = {
    "province": "ภายในจังหวัด",
    "region": "ข้ามจังหวัดในภาคเดียวกัน",
    "national": "ข้ามภาค",
    "unknown": "ไม่ทราบจังหวัด",
}
STATUS_TH = {
    "open": "รอตรวจสอบ",
    "answered": "ตอบแล้วบางส่วน",
    "resolved": "ยุติแล้ว",
    "escalated": "ส่งคณะกรรมการจังหวัด",
    "decided": "คณะกรรมการวินิจฉัยแล้ว",
    "closed": "ปิดกรณี",
}
YES_TH, NO_TH = "ใช่", "ไม่ใช่"


def answer_choice(code: int | None) -> str:
    """Return how an answer appears in a file: '100 กำลังศึกษาอยู่', or '' for no answer."""
    return f"{code} {ANSWER_LABEL[code]}" if code is not None else ""


def parse_answer(text: str) -> int | None:
    """Return the answer code that a cell names, or None when it names none.

    A cell may hold the code (100), the code and Thai label as the drop-down list writes it
    ('100 กำลังศึกษาอยู่'), the Thai label, the English label or the key (studying_here).
    """
    value = " ".join(text.split()).lower()
    for code, key, label_th, label_en in ANSWERS:
        if value in (str(code), key, label_th.lower(), label_en, f"{code} {label_th}".lower()):
            return code
    return None
