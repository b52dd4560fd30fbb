"""Uploads and documents are written whole or not at all: into a temporary
file beside the target, flushed to disk, then linked into place (a link never
replaces an existing file). A worker killed mid-write leaves no half-written
file under a real name, only a `.partial-` file the next write ignores."""

import os
import tempfile

from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        while True:
            full_path = self.path(name)
            directory = os.path.dirname(full_path)
            os.makedirs(directory, exist_ok=True)
            descriptor, partial = tempfile.mkstemp(dir=directory, prefix=".partial-")
            try:
                with os.fdopen(descriptor, "wb") as out:
                    if hasattr(content, "seek"):
                        content.seek(0)
                    for chunk in content.chunks():
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                if self.file_permissions_mode is not None:
                    os.chmod(partial, self.file_permissions_mode)
                try:
                    os.link(partial, full_path)  # atomic, and refuses to overwrite
                except FileExistsError:
                    name = self.get_available_name(name)
                    continue
                return str(name).replace("\\", "/")
            finally:
                if os.path.exists(partial):
                    os.unlink(partial)
