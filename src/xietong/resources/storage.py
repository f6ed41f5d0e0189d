"""Files stored under their SHA-256 through Django's storage API, their type read from content.

The storage is ``STORAGES["resources"]`` when the settings define it (an S3-compatible bucket
through django-storages, see docs/resources.md), else a FileSystemStorage under
``XIETONG_DATA_DIR/resources``. A file's name in the store is ``aa/bb/<sha256>.<ext>``: the same
bytes are stored once whoever uploads them. The type is read from the first bytes (``filetype``),
never from the file name: an executable renamed to ``.pdf`` is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import filetype
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.files.storage.handler import InvalidStorageError
from django.utils.translation import gettext as _

# what a teaching resource may be, by the MIME type read from its content
ALLOWED_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "video/mp4",
    "video/webm",
    "audio/mpeg",
    "audio/mp4",
    "audio/ogg",
    "audio/x-wav",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/epub+zip",
}
# office documents, previewed as a PDF made by a converter when one is installed (previews.py)
OFFICE_TYPES = {
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CHUNK = 1024 * 1024


class FileRefused(ValueError):
    """A file refused for its type or size; ``code`` says which (``type`` or ``size``)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def max_bytes() -> int:
    return int(getattr(settings, "XIETONG_RESOURCE_MAX_BYTES", DEFAULT_MAX_BYTES))


@lru_cache(maxsize=1)
def _default_storage() -> Storage:
    return FileSystemStorage(location=settings.DATA_DIR / "resources")


def resource_storage() -> Storage:
    try:
        return storages["resources"]
    except InvalidStorageError:
        return _default_storage()


@dataclass(frozen=True)
class Inspected:
    sha256: str
    size: int
    mime_type: str
    extension: str


def inspect(f: File) -> Inspected:
    """Hash, size and type of an uploaded file, refusing a type outside ``ALLOWED_TYPES`` or a
    size past ``XIETONG_RESOURCE_MAX_BYTES`` (FileRefused naming the file)."""
    limit = max_bytes()
    name = getattr(f, "name", "") or "?"
    if getattr(f, "too_large", False) or (f.size or 0) > limit:
        raise FileRefused(
            _("%(file)s: the file is larger than %(n)d bytes.") % {"file": name, "n": limit},
            "size",
        )
    digest = hashlib.sha256()
    size = 0
    f.seek(0)
    head = b""
    for chunk in f.chunks(CHUNK):
        if not head:
            head = chunk[:8192]
        digest.update(chunk)
        size += len(chunk)
    if size > limit:
        raise FileRefused(
            _("%(file)s: the file is larger than %(n)d bytes.") % {"file": name, "n": limit},
            "size",
        )
    if size == 0:
        raise FileRefused(_("%(file)s: the file is empty.") % {"file": name}, "type")
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        found = kind.mime if kind else _("unknown")
        raise FileRefused(
            _(
                "%(file)s: its content is of type %(type)s, which is not accepted (PDF, images, "
                "video, audio and office documents are)."
            )
            % {"file": name, "type": found},
            "type",
        )
    return Inspected(digest.hexdigest(), size, kind.mime, kind.extension)


def storage_name(found: Inspected) -> str:
    h = found.sha256
    return f"{h[:2]}/{h[2:4]}/{h}.{found.extension}"


def store(f: File, found: Inspected) -> str:
    """Save the bytes under their hash unless they are there already; the stored name."""
    name = storage_name(found)
    storage = resource_storage()
    if not storage.exists(name):
        f.seek(0)
        saved = storage.save(name, f if hasattr(f, "chunks") else ContentFile(f.read()))
        if saved != name:  # another writer got there between exists() and save()
            storage.delete(saved)
    return name


def open_stored(name: str):
    return resource_storage().open(name, "rb")
