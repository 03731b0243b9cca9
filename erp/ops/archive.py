"""The backup archive: a tar.gz holding manifest.json first, then the database dump and the
uploaded files under media/. The manifest names every other member with its size and SHA-256,
so a restore can prove the archive is whole before it touches any database.

Writing goes to a hidden temporary name in the destination directory, is fsynced, and only
then renamed to its final name: a run that dies halfway leaves a stray `.partial` file, never a
damaged archive under a real name (and never replaces an older archive).
"""

import hashlib
import json
import os
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext_lazy as _

from erp.ops.errors import ArchiveCorrupt, bilingual

FORMAT = 1
MANIFEST = "manifest.json"
PARTIAL_SUFFIX = ".partial"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Member:
    name: str  # path inside the archive (POSIX)
    source: Path  # file on disk


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_members(media_root: Path) -> list[Member]:
    if not media_root.is_dir():
        return []
    return [
        Member(f"media/{path.relative_to(media_root).as_posix()}", path)
        for path in sorted(media_root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    ]


def manifest_members(members: list[Member]) -> dict[str, dict]:
    return {
        m.name: {"size": m.source.stat().st_size, "sha256": sha256_file(m.source)} for m in members
    }


def archive_write(final_path: Path, manifest: dict, members: list[Member]) -> None:
    """Write the archive under a temporary name, fsync it, then rename it into place."""
    partial = final_path.with_name(f".{final_path.name}{PARTIAL_SUFFIX}")
    staged_manifest = partial.with_name(partial.name + ".manifest")
    try:
        staged_manifest.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), "utf-8")
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(staged_manifest, arcname=MANIFEST, recursive=False)
            for member in members:
                tar.add(member.source, arcname=member.name, recursive=False)
        _fsync(partial)
        os.replace(partial, final_path)
        _fsync_dir(final_path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        staged_manifest.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _corrupt(archive: Path, detail: str) -> ArchiveCorrupt:
    return ArchiveCorrupt(
        bilingual(
            _(
                "The backup archive %(name)s is damaged or incomplete (%(detail)s). Use another "
                "backup; do not restore this one."
            ),
            name=archive.name,
            detail=detail,
        ),
        archive=str(archive),
        detail=detail,
    )


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name not in ("", ".")


def archive_extract(archive: Path, into: Path) -> dict:
    """Check the archive against its manifest while extracting it into `into`; return the
    manifest. Anything missing, extra, altered, truncated or unsafe raises ArchiveCorrupt."""
    try:
        return _extract_checked(archive, into)
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise _corrupt(archive, f"{type(exc).__name__}: {exc}") from exc


def _extract_checked(archive: Path, into: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        entries = _members(tar)
        first = next(entries, None)
        if first is None or first.name != MANIFEST:
            raise _corrupt(archive, "manifest.json is not the first member")
        manifest = json.loads(_read(tar, first))
        if manifest.get("format") != FORMAT or not isinstance(manifest.get("members"), dict):
            raise _corrupt(archive, "unknown manifest format")
        expected = manifest["members"]
        seen = set()
        for entry in entries:
            if entry.name not in expected or not _safe_name(entry.name):
                raise _corrupt(archive, f"unexpected member {entry.name}")
            target = into / entry.name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = _copy_hashing(tar, entry, target)
            if digest != expected[entry.name]["sha256"]:
                raise _corrupt(archive, f"checksum mismatch in {entry.name}")
            seen.add(entry.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise _corrupt(archive, f"members missing: {', '.join(missing[:5])}")
    return manifest


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for entry in tar:
        if not entry.isfile():
            raise ValueError(f"member {entry.name} is not a regular file")
        yield entry


def _read(tar: tarfile.TarFile, entry: tarfile.TarInfo) -> bytes:
    handle = tar.extractfile(entry)
    assert handle is not None  # _members admits regular files only
    return handle.read()


def _copy_hashing(tar: tarfile.TarFile, entry: tarfile.TarInfo, target: Path) -> str:
    handle = tar.extractfile(entry)
    assert handle is not None
    digest = hashlib.sha256()
    with open(target, "wb") as out:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def archive_manifest(archive: Path) -> dict:
    """Only the manifest (cheap: it is the first member), for listings and compatibility."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST:
                raise _corrupt(archive, "manifest.json is not the first member")
            return json.loads(_read(tar, first))
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise _corrupt(archive, f"{type(exc).__name__}: {exc}") from exc
