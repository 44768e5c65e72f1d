"""Users' own tables uploaded through the page: size limit, plain names, validation by the readers.

An upload is a ``multipart/form-data`` request with one file field.  Its body is streamed (never more than the
limit is read) into a staging folder inside the upload area; the file name must be a plain name with one of the
suffixes in :data:`SUFFIXES` (no folders, no ``..``), else the request is refused and the staged bytes deleted.
Accepted files get a new folder ``uploads/<id>/`` (created exclusively, so nothing is ever overwritten), are read
with the readers' layout detection (the reader's message, with the upload's own name in place of the server path,
is what the page shows when that fails, and the folder is removed), and are kept there beside their compact
caches and an ``entry.json`` that lists them for the next start.  Nothing is written outside the upload area.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from python_multipart.multipart import FormParser, parse_options_header

from ..errors import DualcircError
from ..tables.store import save_table
from .catalog import UPLOAD, TableEntry, entry_for, entry_from_record, entry_record, read_tables

#: file types accepted (the readers detect the layout inside)
SUFFIXES = (".csv", ".csv.gz", ".xlsx", ".parquet")
#: bytes of multipart framing allowed on top of the file's own size limit
FRAMING_ALLOWANCE = 64 * 1024
ENTRY_FILE = "entry.json"
STAGING = ".staging"


class UploadRejected(Exception):
    """An upload refused with an HTTP status and a message for the page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def check_name(name: str) -> str:
    """The upload's file name if it is a plain name with an accepted suffix; UploadRejected otherwise."""
    if not name or not name.strip():
        raise UploadRejected(400, "the upload has no file name")
    if any(c in name for c in "/\\\0") or name in (".", "..") or ".." in name or name.startswith(".") or \
            any(ord(c) < 32 for c in name) or len(name) > 200:
        raise UploadRejected(400, f"the file name {name!r} is not a plain file name (no folders, no '..', no "
                                  "leading dot, at most 200 characters)")
    if not name.lower().endswith(SUFFIXES):
        raise UploadRejected(415, f"{name!r} is not a table file of an accepted type; expected one of "
                                  f"{', '.join(SUFFIXES)}")
    return name


@dataclass
class Staged:
    """A file received into the staging folder."""

    name: str
    path: Path


class UploadArea:
    """The folder of uploads, one sub-folder per accepted upload."""

    def __init__(self, root: Path, limit_bytes: int) -> None:
        self.root = Path(root)
        self.limit_bytes = limit_bytes
        self.root.mkdir(parents=True, exist_ok=True)
        self.staging = self.root / STAGING
        shutil.rmtree(self.staging, ignore_errors=True)  # leftovers of an interrupted upload
        self.staging.mkdir()

    def previous_entries(self) -> list[TableEntry]:
        """The entries of the uploads accepted before (read from their ``entry.json``)."""
        entries = []
        for listing in sorted(self.root.glob(f"*/{ENTRY_FILE}")):
            records = json.loads(listing.read_text(encoding="utf-8"))
            entries += [entry_from_record(r, listing.parent) for r in records]
        return entries

    async def receive(self, content_type: str, chunks, *, declared_length: str | None = None) -> Staged:
        """Stream a multipart body (async iterable of bytes) into the staging folder, at most the limit; a
        declared length over the limit is refused before anything is read."""
        if declared_length and declared_length.isdigit() and \
                int(declared_length) > self.limit_bytes + FRAMING_ALLOWANCE:
            raise UploadRejected(413, self._too_large())
        ctype, options = parse_options_header(content_type or "")
        if ctype != b"multipart/form-data" or b"boundary" not in options:
            raise UploadRejected(415, "send the table as multipart/form-data with one file field named 'file'")
        files = []
        parser = FormParser("multipart/form-data", on_field=None, on_file=files.append,
                            boundary=options[b"boundary"],
                            config={"UPLOAD_DIR": str(self.staging), "UPLOAD_DELETE_TMP": False,
                                    "MAX_MEMORY_FILE_SIZE": 1024 * 1024})
        received = 0
        try:
            async for chunk in chunks:
                received += len(chunk)
                if received > self.limit_bytes + FRAMING_ALLOWANCE:
                    raise UploadRejected(413, self._too_large())
                parser.write(chunk)
            parser.finalize()
        except UploadRejected:
            _discard(files)
            raise
        except Exception as exc:  # python-multipart's parse errors
            _discard(files)
            raise UploadRejected(400, f"the multipart body could not be parsed ({exc})") from None
        if len(files) != 1:
            _discard(files)
            raise UploadRejected(400, f"send exactly one file (field 'file'); the request held {len(files)}")
        upload = files[0]
        try:
            name = check_name((upload.file_name or b"").decode("utf-8", "replace"))
            if upload.size > self.limit_bytes:
                raise UploadRejected(413, self._too_large())
            if upload.size == 0:
                raise UploadRejected(400, f"{name!r} is empty")
        except UploadRejected:
            _discard(files)
            raise
        upload.flush_to_disk()
        upload.close()
        return Staged(name=name, path=Path(os.fsdecode(upload.actual_file_name)))

    def _too_large(self) -> str:
        return f"the upload is larger than the limit of {self.limit_bytes / 1e6:g} MB"

    def accept(self, staged: Staged, dataset: str) -> list[TableEntry]:
        """Move a staged file into its own new folder and read it; on failure remove the folder and raise
        UploadRejected(422) with the reader's message (naming the upload, not the server path)."""
        folder = self.root / dataset.removeprefix(f"{UPLOAD}-")
        folder.mkdir()  # exclusive: an existing folder is never reused
        target = folder / staged.name
        staged.path.replace(target)
        try:
            tables = read_tables(target)
            entries, records = [], []
            for k, table in enumerate(tables):
                cache = save_table(table, folder / f"table_{k}.npz")
                entry = entry_for(table, dataset=dataset, origin=UPLOAD, file=staged.name, cache=cache)
                entries.append(entry)
                records.append(entry_record(entry, cache))
        except Exception as exc:  # any failure to read the user's file is the file's problem, told to the user
            shutil.rmtree(folder, ignore_errors=True)
            message = str(exc) if isinstance(exc, DualcircError) else f"{type(exc).__name__}: {exc}"
            message = message.replace(str(target), staged.name).replace(str(folder), "")
            raise UploadRejected(422, f"{staged.name} could not be read as an input-output table: {message}") \
                from None
        (folder / ENTRY_FILE).write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        return entries

    @staticmethod
    def new_id() -> str:
        return f"{UPLOAD}-{uuid.uuid4().hex[:12]}"


def _discard(files) -> None:
    """Delete what the parser staged for rejected files."""
    for f in files:
        f.close()
        if f.actual_file_name:
            Path(os.fsdecode(f.actual_file_name)).unlink(missing_ok=True)
