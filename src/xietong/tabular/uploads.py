"""Uploads past the size limit are read and thrown away, never stored.

``UploadLimitHandler`` comes first in FILE_UPLOAD_HANDLERS. When a request's body is larger than
XIETONG_UPLOAD_MAX_BYTES (plus room for the multipart envelope), it keeps the other handlers from
storing the file and leaves an empty ``OversizeUpload`` in its place; ``read_upload`` turns that,
or any file past the limit, into UploadTooLarge, which pages and the API answer with HTTP 413.
The body is still drained, so a browser sees the answer instead of a reset connection.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

from .limits import Limits
from .problems import UploadTooLarge, too_large

ENVELOPE = 64 * 1024  # multipart boundaries, headers and the CSRF field around the file


class OversizeUpload(UploadedFile):
    """Stands in for a file that was too large to keep: its name and the request's size."""

    too_large = True

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(io.BytesIO(b""), name, content_type, size)


class UploadLimitHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = Limits.from_settings().max_bytes
        self.request_size = content_length
        self.over = content_length > self.limit + ENVELOPE
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.over:
            raise StopFutureHandlers  # no other handler sees (and stores) this file

    def receive_data_chunk(self, raw_data, start):
        return None if self.over else raw_data

    def file_complete(self, file_size):
        if self.over:
            return OversizeUpload(self.file_name, self.content_type, self.request_size)
        return None


def read_upload(upload, limits: Limits | None = None) -> bytes:
    """The bytes of an uploaded file, or UploadTooLarge when it is past the limit."""
    limit = (limits or Limits.from_settings()).max_bytes
    if getattr(upload, "too_large", False) or (upload.size or 0) > limit:
        raise too_large(upload.name or "", upload.size or 0, limit)
    return upload.read()


__all__ = ["OversizeUpload", "UploadLimitHandler", "UploadTooLarge", "read_upload"]
