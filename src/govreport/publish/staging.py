"""Publishing ``reports/`` as a whole: the next site is assembled in a sibling staging folder and
swapped in, so a reader sees the old site or the new one, never half of each.

A build killed at any point leaves the previous site; :func:`recover`, run at the
start of the next build, repairs what a kill between two renames left behind.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path

from govreport.store import sha256_file

STAGING_MARK = ".new-"
RETIRED_MARK = ".old-"


def staging_dir(target: Path) -> Path:
    """Where this process builds the next ``reports/`` (a sibling, so the swap is a rename)."""
    target = Path(target)
    return target.with_name(f"{target.name}{STAGING_MARK}{os.getpid()}")


def _leftovers(target: Path, mark: str) -> list[Path]:
    """Siblings a killed build left, newest first."""
    found = [p for p in target.parent.glob(f"{target.name}{mark}*") if p.is_dir() and not p.is_symlink()]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)


def _complete(folder: Path) -> bool:
    return (folder / "index.html").is_file()  # the index is written last into a staging folder


def recover(target: Path) -> list[str]:
    """Undo what a build killed mid-publish left: the previous ``reports/`` is put back
    (or, on a first build, a staging folder that was complete is published), then
    every leftover sibling is removed. Returns what was done, one line each."""
    target = Path(target)
    done = []
    if not target.exists():
        retired, staged = _leftovers(target, RETIRED_MARK), [s for s in _leftovers(target, STAGING_MARK) if _complete(s)]
        candidate = retired[0] if retired else (staged[0] if staged else None)
        if candidate is not None:
            os.rename(candidate, target)
            done.append(f"restored {target.name}/ from {candidate.name} (a build was killed while publishing)")
    for leftover in _leftovers(target, RETIRED_MARK) + _leftovers(target, STAGING_MARK):
        shutil.rmtree(leftover, ignore_errors=True)
        done.append(f"removed {leftover.name} (left by a killed build)")
    return done


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False  # an old kernel or a file system without exchange: two renames instead
    raise OSError(code, os.strerror(code), str(b))


def swap(staging: Path, target: Path) -> None:
    """Make the complete ``staging`` folder the published ``target``; the old one goes last.

    One atomic exchange where the system has it. Otherwise two renames: a kill
    between them leaves ``target`` missing and both siblings present, which
    ``recover`` repairs at the start of the next build.
    """
    staging, target = Path(staging), Path(target)
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging)  # it now holds the previous record
        return
    retired = target.with_name(f"{target.name}{RETIRED_MARK}{os.getpid()}")
    if target.exists():
        os.rename(target, retired)
    os.rename(staging, target)
    if retired.exists():
        shutil.rmtree(retired)


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder`` (what a build published)."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}
