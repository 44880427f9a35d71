# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Private files of the collection: a directory only its user reads, and atomic writes into it.

Used by the token cache, the shared request window and the window report: one way to make a private
directory and one way to replace a file so that a reader never sees half of it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile


def ensure_private_directory(directory: str) -> None:
    """Create ``directory`` (mode 0700) if missing; make sure it is a directory of the current
    user that nobody else can read (an existing one with group/other bits is chmod-ed to 0700).

    :param directory: path (str).
    :raises OSError: it cannot be created or changed, or belongs to another user / is not a directory.
    """
    os.makedirs(directory, mode=0o700, exist_ok=True)
    info = os.stat(directory)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise OSError(errno.EPERM, "not a directory of the current user", directory)
    if info.st_mode & 0o077:
        os.chmod(directory, 0o700)


def check_writable_directory(directory: str) -> str:
    """Create ``directory`` (mode 0700) when missing and prove that a file can be written in it.

    An existing directory keeps its mode. A temporary file is created and removed, so that a directory
    that exists but cannot be written is found before anything else happens.

    :param directory: path (``~`` expanded here).
    :returns: the absolute path.
    :raises OSError: it cannot be created, or no file can be written in it.
    """
    path = os.path.abspath(os.path.expanduser(directory))
    if not os.path.isdir(path):
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
    fd, probe = tempfile.mkstemp(dir=path, prefix=".write-check-")
    os.close(fd)
    os.unlink(probe)
    return path


def write_atomically(path, text, mode=0o600) -> None:
    """Write ``text`` to ``path`` through a temporary file of the same directory and ``os.replace``.

    ``text`` is a str, or a callable that writes to the open text file it is given (a report of
    thousands of records is then encoded straight into the file, never held as one string).
    A reader sees the old file or the new one, never a part; the data is on disk (``fsync``) before the
    rename; the file has ``mode`` from its creation on.

    :raises OSError: the directory is not writable.
    """
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), mode)
            if callable(text):
                text(handle)
            else:
                handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
