"""CSV files in UTF-8, UTF-8 with a byte-order mark, or TIS-620 (Windows code page 874)."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from exchange.contracts import Contract
from exchange.readers.common import (
    HEADER_SEARCH_ROWS,
    FileRejected,
    ParsedFile,
    check_required_columns,
    find_header,
)

CHUNK_BYTES = 1 << 20
# A header longer than this is not a header: the file is rejected before it is read into memory.
MAX_HEADER_BYTES = 1 << 20
# A record of the widest dataset is well under 2 KB; 1 MB leaves room for any honest row.
MAX_ROW_BYTES = 1 << 20
# PostgreSQL's names for the encodings this reader accepts.
COPY_ENCODINGS = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "cp874": "WIN874"}


def detect_encoding(path: Path, name: str) -> str:
    """Return 'utf-8-sig', 'utf-8' or 'cp874', by decoding the whole file strictly.

    UTF-8 is tried first because valid UTF-8 Thai text is almost never valid in the other
    reading; cp874 is the fallback. A file that is neither is rejected, never guessed.
    """
    with path.open("rb") as handle:
        start = handle.read(3)
        if start == codecs.BOM_UTF8:
            encoding = "utf-8-sig"
        else:
            encoding = "utf-8"
        handle.seek(0)
        for candidate in (encoding, "cp874"):
            decoder = codecs.getincrementaldecoder(candidate)(errors="strict")
            handle.seek(0)
            try:
                while chunk := handle.read(CHUNK_BYTES):
                    if b"\x00" in chunk:
                        raise FileRejected(f"{name}: the file contains a NUL byte; it is not a text CSV file")
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
                return candidate
            except UnicodeDecodeError:
                continue
    raise FileRejected(f"{name}: the file is neither UTF-8 nor TIS-620 (cp874) text; save it as UTF-8 CSV")


def _read_head_lines(path: Path, encoding: str, name: str) -> tuple[list[bytes], list[list[str]]]:
    """Read up to HEADER_SEARCH_ROWS physical lines, raw and parsed."""
    raw_lines: list[bytes] = []
    with path.open("rb") as handle:
        for _ in range(HEADER_SEARCH_ROWS):
            line = handle.readline(MAX_HEADER_BYTES + 1)
            if not line:
                break
            if len(line) > MAX_HEADER_BYTES:
                raise FileRejected(
                    f"{name}: row {len(raw_lines) + 1} is longer than 1 MB; it is not a valid CSV row"
                )
            raw_lines.append(line)
    text = b"".join(raw_lines).decode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    parsed = list(csv.reader(io.StringIO(text)))
    return raw_lines, parsed


def open_csv(path: Path, contract: Contract, name: str) -> ParsedFile:
    if path.stat().st_size == 0:
        raise FileRejected(f"{name}: the file is empty")
    encoding = detect_encoding(path, name)
    raw_lines, parsed = _read_head_lines(path, encoding, name)
    header_index, mapping = find_header(parsed, contract)
    check_required_columns(name, mapping, contract)
    # Multi-line quoted cells are not expected above the header, so physical line n is row n.
    skip_bytes = sum(len(line) for line in raw_lines[: header_index + 1])
    if len(raw_lines) == header_index + 1 and path.stat().st_size == skip_bytes:
        raise FileRejected(f"{name}: the file has a header but no data rows")

    def open_stream():
        handle = path.open("rb")
        handle.seek(skip_bytes)
        return LineLengthGuard(handle, name, first_row=header_index + 2)

    return ParsedFile(
        name=name,
        encoding=encoding,
        copy_encoding=COPY_ENCODINGS[encoding],
        header_row=header_index + 1,
        file_columns=mapping,
        open_stream=open_stream,
    )


class LineLengthGuard(io.RawIOBase):
    """Passes a file's bytes to COPY and rejects the file at the first row longer than MAX_ROW_BYTES.

    It only looks for newlines in each chunk (in C, through bytes.rfind), so it adds almost nothing
    to a load; without it, one gigabyte-long line would be buffered whole by the server.
    """

    def __init__(self, handle, name: str, first_row: int):
        self._handle = handle
        self._name = name
        self._row = first_row
        self._since_newline = 0
        self.rejection: FileRejected | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size if size and size > 0 else CHUNK_BYTES)
        last_newline = chunk.rfind(b"\n")
        if last_newline < 0:
            self._since_newline += len(chunk)
        else:
            self._row += chunk.count(b"\n")
            self._since_newline = len(chunk) - last_newline - 1
        if self._since_newline > MAX_ROW_BYTES:
            # psycopg2 reports an exception raised here as a cancelled COPY; the caller re-raises this.
            self.rejection = FileRejected(
                f"{self._name}: row {self._row} is longer than {MAX_ROW_BYTES // (1 << 20)} MB; "
                "it is not a valid CSV row"
            )
            raise self.rejection
        return chunk

    def close(self) -> None:
        self._handle.close()
        super().close()
