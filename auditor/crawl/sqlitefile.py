"""Opening the caches' SQLite files: WAL for several worker processes, damaged or foreign files replaced."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DatabaseFormat", "is_damaged", "open_database"]

# Seconds a process waits for another one's write transaction (each lasts a few milliseconds at most).
BUSY_TIMEOUT = 30.0
# Errors meaning the file is not a usable database (as opposed to a folder that cannot be written).
_DAMAGED = {sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT}
# Another connection holds the lock a statement needs.
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
# Seconds between two attempts to switch a new database to WAL while another process does the same.
_WAL_RETRY = 0.01


@dataclass(frozen=True)
class DatabaseFormat:
    """What a database of ours is: its header marks and the statements that create it.

    A file without both marks is foreign (or of an older format) and is recreated: bump ``version``
    whenever the schema changes.
    """

    application_id: int
    version: int
    schema: Sequence[str]


# Page cache per connection, in KiB.
CACHE_KIB = 256


class _Unusable(Exception):
    """The database file is damaged, foreign or of another format: it is to be recreated."""


def _primary_code(exc: sqlite3.Error) -> int:
    """SQLite's result code without its extended part (SQLITE_BUSY_RECOVERY is SQLITE_BUSY)."""
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF


def is_damaged(exc: sqlite3.Error) -> bool:
    """Whether an error says the file is no (longer a) database."""
    return _primary_code(exc) in _DAMAGED


def _use_wal(db: sqlite3.Connection) -> None:
    """Put the database in WAL mode (it stays set in the file: later connections only read it).

    SQLite answers "database is locked" at once, without waiting for the busy timeout, when another
    process switches the same new database at that moment: worker processes opening the caches
    together did, and one of them then ran without its cache. Retried until BUSY_TIMEOUT.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if _primary_code(exc) not in _BUSY or time.monotonic() > deadline:
                raise
            time.sleep(_WAL_RETRY)


def _ours(db: sqlite3.Connection, form: DatabaseFormat) -> bool | None:
    """True for a database of this format, None for an empty one, False for anything else."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if application_id == form.application_id and version == form.version:
        return True
    if application_id == 0 and version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
        return None
    return False


def _connect(path: Path, form: DatabaseFormat) -> sqlite3.Connection:
    """A connection to the database, created if absent; raises _Unusable for a file to recreate."""
    # Autocommit (isolation_level=None): every statement commits unless inside an explicit BEGIN.
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        _use_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")
        # Rows are read and written by primary key, once each per run: a small page cache serves as
        # well as SQLite's default 2 MB, which every process would hold for each database.
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if _ours(db, form) is not True:
            # Several processes may open a new database at once: create it under the write lock.
            db.execute("BEGIN IMMEDIATE")
            state = _ours(db, form)
            if state is False:
                raise _Unusable(path)
            if state is None:
                for statement in form.schema:
                    db.execute(statement)
                db.execute(f"PRAGMA application_id = {form.application_id}")
                db.execute(f"PRAGMA user_version = {form.version}")
            db.execute("COMMIT")
    except sqlite3.Error as exc:
        db.close()
        if is_damaged(exc):
            raise _Unusable(path) from exc
        raise
    except _Unusable:
        db.close()
        raise
    return db


def open_database(path: Path, form: DatabaseFormat) -> sqlite3.Connection:
    """The database at ``path``; a damaged or foreign file is replaced by an empty database.

    Raises OSError for what cannot be helped here: a folder that cannot be written, a full disk, a
    lock held for too long.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return _connect(path, form)
        except _Unusable:
            for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
                (path.parent / name).unlink(missing_ok=True)
            return _connect(path, form)
    except (sqlite3.Error, _Unusable) as exc:
        raise OSError(f"{path}: {exc}") from exc
