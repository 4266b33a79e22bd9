"""Storage in a local directory, served by nginx (the origin) in dev and tests."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from cdn.storage.base import StoredObject, check_key, check_prefix


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    async def put(self, obj: StoredObject) -> bool:
        return await asyncio.to_thread(self._put, obj)

    async def get(self, key: str) -> bytes | None:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    async def delete_prefix(self, prefix: str) -> list[str]:
        return await asyncio.to_thread(self._delete_prefix, check_prefix(prefix))

    def _delete_prefix(self, prefix: str) -> list[str]:
        folder = self.root / prefix
        if not folder.is_dir():
            return []
        keys = sorted(
            path.relative_to(self.root).as_posix()
            for path in folder.rglob("*")
            if path.is_file() and not path.name.startswith(".tmp-")
        )
        shutil.rmtree(folder, ignore_errors=True)
        return keys

    def _put(self, obj: StoredObject) -> bool:
        path = self._path(obj.key)
        try:
            if path.stat().st_size == len(obj.body) and path.read_bytes() == obj.body:
                return False
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target, then rename: a reader sees the old file or the new one,
        # never half of one, and a crash leaves at most a stray temporary file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(obj.body)
            os.chmod(tmp, 0o644)  # nginx runs as another user
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)
