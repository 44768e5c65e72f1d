"""The manifest of a batch output folder: which parts are finished, with what, and which failed.

``_manifest.json`` is written by the driver only, after every finished task, atomically (a temporary file in the
same folder, flushed to disk, then renamed over the old one), so a crash or Ctrl-C at any moment leaves either
the previous or the next complete manifest.  A part counts as finished only when its record is there, its
fingerprint matches the plan and its files exist; a part file written by a worker that died before the driver
recorded it is simply computed again (part files are themselves written by rename, never half).  One batch at a
time may write to a folder: ``_batch.lock`` names the process holding it.
"""

from __future__ import annotations

import json
import os
import socket
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from ..errors import InputError, ReaderError
from .plan import Part

MANIFEST = "_manifest.json"
LOCK = "_batch.lock"
FORMAT = "dualcirc-batch-manifest"
VERSION = 1


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` so that readers see the old or the new file, never a partial one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Manifest:
    """Finished and failed parts of one output folder, keyed by part key (output/table/year/scenario)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST
        self.done: dict[str, dict] = {}
        self.failed: dict[str, dict] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise ReaderError(f"damaged batch manifest ({exc}); move it away to recompute every part",
                                  file=str(self.path)) from None
            if data.get("format") != FORMAT or data.get("version", 0) > VERSION:
                raise ReaderError(f"not a batch manifest of this dualcirc (format {data.get('format')!r}, version "
                                  f"{data.get('version')!r})", file=str(self.path))
            self.done, self.failed = data.get("done", {}), data.get("failed", {})

    def is_done(self, part: Part) -> bool:
        record = self.done.get(part.key)
        return (record is not None and record["fingerprint"] == part.fingerprint
                and all((self.folder / f).is_file() for f in record["files"].values()))

    def record(self, record: dict) -> None:
        """File one part's record: finished (it has ``files``) or failed (it has ``error``).  A part is attempted
        only when its finished record no longer matches the plan, so a failure also retires that record and its
        files: the folder never shows a result of a definition the spec has left."""
        key = record["key"]
        if "error" in record:
            self.failed[key] = record
            stale = self.done.pop(key, None)
            for name in (stale or {}).get("files", {}).values():
                (self.folder / name).unlink(missing_ok=True)
        else:
            self.done[key] = record
            self.failed.pop(key, None)

    def save(self) -> None:
        payload = {"format": FORMAT, "version": VERSION, "updated": now(), "done": self.done, "failed": self.failed}
        write_atomic(self.path, json.dumps(payload, indent=1, sort_keys=True, default=str))


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # signal 0: a liveness check, nothing is sent
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _acquire(lock: Path, me: dict) -> bool:
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(me, fh)
    return True


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold ``folder/_batch.lock`` for the duration; a lock left by a dead process on this host is taken over."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / LOCK
    me = {"host": socket.gethostname(), "pid": os.getpid(), "since": now()}
    if not _acquire(lock, me):
        try:
            holder = json.loads(lock.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            holder = {}
        stale = holder.get("host") == me["host"] and not _alive(int(holder.get("pid", -1)))
        if stale:
            lock.unlink(missing_ok=True)
        if not (stale and _acquire(lock, me)):
            raise InputError(f"another batch is writing to {folder} (process {holder.get('pid')} on "
                             f"{holder.get('host')}, since {holder.get('since')}); wait for it, or delete {lock} "
                             "if that process is gone")
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
