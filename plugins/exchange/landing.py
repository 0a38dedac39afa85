"""The landing area: `<root>/<academic_year>/<term>/<agency>/<dataset>.(csv|xlsx)`.

The root is a local folder or any fsspec URL (s3://, gs://, ...). Remote files are copied to a
local temporary file before they are read, because the readers need to seek.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

AGENCY_FOLDER = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
DATASET_FILE = re.compile(r"^([a-z_]+)\.(csv|xlsx)$", re.IGNORECASE)
# Folders of the term that hold something other than agency submissions: the offices' answers
# to their duplicate work packages (read by exchange.duplicates.import_answers).
RESERVED_FOLDERS = {"answers"}


@dataclass(frozen=True)
class LandingFile:
    agency: str
    dataset: str
    url: str
    name: str
    modified: dt.datetime
    size: int

    def local_path(self) -> Path:
        if "://" not in self.url or self.url.startswith("file://"):
            return Path(self.url.removeprefix("file://"))
        return _download(self.url)


def _download(url: str) -> Path:
    import fsspec

    suffix = Path(url).suffix
    handle = tempfile.NamedTemporaryFile(prefix="landing-", suffix=suffix, delete=False)
    with fsspec.open(url, "rb") as remote, handle:
        shutil.copyfileobj(remote, handle, 1 << 20)
    return Path(handle.name)


def _modified(info: dict) -> dt.datetime:
    for key in ("mtime", "LastModified", "last_modified", "updated", "created"):
        value = info.get(key)
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        if isinstance(value, (int, float)):
            return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    raise ValueError(f"the file system reports no modification time for {info.get('name')}")


def term_folder(root: str, academic_year: int, term: int) -> str:
    return f"{root.rstrip('/')}/{academic_year}/{term}"


def discover(root: str, academic_year: int, term: int) -> tuple[list[LandingFile], list[str]]:
    """List the term's landing files, and the names of entries that do not fit the layout."""
    import fsspec

    folder = term_folder(root, academic_year, term)
    filesystem, path = fsspec.core.url_to_fs(folder)
    if not filesystem.exists(path):
        log.warning(
            "Landing folder %s does not exist; no submissions for term %s of %s", folder, term, academic_year
        )
        return [], []
    files, ignored = [], []
    protocol = filesystem.protocol if isinstance(filesystem.protocol, str) else filesystem.protocol[0]
    for agency_info in sorted(filesystem.ls(path, detail=True), key=lambda info: info["name"]):
        agency = agency_info["name"].rstrip("/").rsplit("/", 1)[-1]
        if agency_info["type"] != "directory":
            if not agency.endswith(".json"):
                ignored.append(agency)
            continue
        if agency in RESERVED_FOLDERS:
            continue
        if not AGENCY_FOLDER.match(agency) or agency_info.get("islink"):
            ignored.append(agency)
            continue
        for info in sorted(filesystem.ls(agency_info["name"], detail=True), key=lambda info: info["name"]):
            file_name = info["name"].rsplit("/", 1)[-1]
            match = DATASET_FILE.match(file_name)
            # A symbolic link could point anywhere on the server, so only regular files are read.
            if info["type"] != "file" or info.get("islink") or not match:
                ignored.append(f"{agency}/{file_name}")
                continue
            url = info["name"] if protocol in ("file", "local") else f"{protocol}://{info['name']}"
            files.append(
                LandingFile(
                    agency=agency.upper(),
                    dataset=match.group(1).lower(),
                    url=url,
                    name=f"{agency}/{file_name}",
                    modified=_modified(info),
                    size=int(info.get("size") or 0),
                )
            )
    return files, ignored
