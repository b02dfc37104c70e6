"""The one atomic write (storage.py): fletlint's own files and the user's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from fletlint.linter.storage import write_atomic, write_user_file


def test_fletlints_own_files_are_private_and_get_their_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "entry"
    write_atomic(path, b"one")
    write_atomic(path, b"two")
    assert path.read_bytes() == b"two"
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["entry"]


def test_a_users_file_gets_the_usual_mode_or_keeps_its_own(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        new = tmp_path / "graph.html"
        write_user_file(new, b"<html>")
        assert new.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "requirements.txt"
        write_user_file(kept, b"flet\n", mode=0o640, suffix=".fletlint")
        assert kept.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.html", "requirements.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "folder"
    target.mkdir()  # a folder cannot be replaced by a file
    with pytest.raises(OSError):
        write_user_file(target, b"data")
    with pytest.raises(OSError):
        write_atomic(target, b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["folder"]
    with pytest.raises(OSError):
        write_user_file(tmp_path / "missing" / "out.html", b"data")  # its folder must exist
    assert [p.name for p in tmp_path.iterdir()] == ["folder"]


def test_a_folder_removed_after_a_write_is_made_again(tmp_path: Path) -> None:
    # A language server keeps writing to its cache after the user removed the cache folder.
    path = tmp_path / "cache" / "ab" / "entry"
    write_atomic(path, b"one")
    shutil.rmtree(tmp_path / "cache")
    write_atomic(path, b"two")
    assert path.read_bytes() == b"two"
    assert os.listdir(path.parent) == ["entry"]
