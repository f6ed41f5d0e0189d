"""Pieces every API router shares, so that every endpoint refuses bad input the same way.

* ``LimitOffset``: the pagination of every list endpoint. ``limit`` is 1 to
  ``XIETONG_API_MAX_PAGE_SIZE`` (default 1000) and ``offset`` 0 to 10**9; outside that the
  caller gets a 422 naming the parameter, where an unbounded ``limit`` used to return pages of
  many megabytes and a 25-digit one a 500 from the database.
* ``KeysetQuery`` and ``keyset_or_offset``: a list ordered by a unique indexed key (the results of
  an exchange round by staff number) also pages by keyset, ``?after=<key>`` with a ``next``
  link in every page, reading one index range a page instead of counting and skipping rows;
  ``limit``/``offset`` keep working for the clients that use them.
* ``PatchIn``: the body of a PATCH. A field left out keeps its value; ``null`` is refused with a
  422 naming the field unless the field is listed in ``NULLABLE`` (the database would refuse it
  with a 500), and the OpenAPI schema says so.
* ``found(obj)``: what a scoped selector returned, or a 404 when it returned None. A selector
  answers None both for what does not exist and for what the caller may not read, so the two
  look the same from outside (an object out of scope is not found, never forbidden). Errors of
  the services need no helper: ``xietong.api`` maps a refused role (``PermissionDenied``,
  ``OutOfScope``) to 403, bad input or a wrong step (``ValueError``) to 422.
* ``ImportErrorOut``: the refusal of an all-or-nothing file import (422; 413 for a file past the
  size bounds), every problem with file, row and column; ``ImportRefusedOut`` documents that a 422
  may also be a request that failed validation.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from xietong.web.keyset import MAX_KEY_LENGTH, keyset_page

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 100
MAX_OFFSET = 10**9


def found(obj: T | None) -> T:
    """``obj``, or a 404 (in the reader's language) when the selector found nothing the caller
    may read."""
    if obj is None:
        raise HttpError(404, _("Not found"))
    return obj


def max_page_size() -> int:
    return int(getattr(settings, "XIETONG_API_MAX_PAGE_SIZE", 1000))


class PageQuery(Schema):
    limit: int = Field(
        min(DEFAULT_PAGE_SIZE, max_page_size()),
        ge=1,
        le=max_page_size(),
        description="Items per page (at most XIETONG_API_MAX_PAGE_SIZE, 1000 by default)",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip (at most 10^9)")


class LimitOffset(LimitOffsetPagination):
    """Limit/offset pagination with both numbers bounded (see the module docstring)."""

    Input = PageQuery

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=max_page_size(), **kwargs)


class KeysetQuery(PageQuery):
    after: str | None = Field(
        None,
        max_length=MAX_KEY_LENGTH,
        description="Keyset cursor: the items after this key (the `next` link of the previous "
        "page); not combined with offset",
    )


def keyset_or_offset(request, qs, key: str, page: KeysetQuery) -> dict[str, Any]:
    """A page of ``qs`` (ordered by ``key``, unique within it): with ``after``, the ``limit``
    items after that key and no ``count`` (nothing is counted); without it, the ``limit`` items
    from ``offset`` and their ``count``, as ``LimitOffset`` gives. ``next`` is the URL of the
    page after this one (a keyset cursor in both cases), None on the last page."""
    if page.after:
        if page.offset:
            raise ValueError(_("offset: leave it out when paging with after."))
        kp = keyset_page(qs, key, page.after, page.limit)
        rows, last, count = kp.rows, kp.next_after, None
    else:
        rows = list(qs.order_by(key)[page.offset : page.offset + page.limit + 1])
        more = len(rows) > page.limit
        rows = rows[: page.limit]
        last = str(getattr(rows[-1], key)) if more else ""
        count = qs.count()
    nxt = None
    if last:
        params = request.GET.copy()
        params.pop("offset", None)
        params["after"] = last
        nxt = f"{request.path}?{params.urlencode()}"
    return {"items": rows, "count": count, "next": nxt}


class PatchIn(Schema):
    """Base of PATCH bodies: omitted fields keep their values, ``null`` only where NULLABLE."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value, info):
        if value is None and info.field_name not in cls.NULLABLE:
            message = _("%(field)s may not be null; leave it out to keep its value.")
            raise PydanticCustomError("null_refused", message % {"field": info.field_name})
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        for name, prop in target.get("properties", {}).items():
            if name in cls.NULLABLE or "anyOf" not in prop:
                continue
            kept = [v for v in prop["anyOf"] if v != {"type": "null"}]
            if len(kept) == 1:
                del prop["anyOf"]
                prop.pop("default", None)
                prop.update(kept[0])
        return schema


class ProblemOut(Schema):
    file: str
    row: int
    column: str
    message: str


class ImportErrorOut(Schema):
    detail: str
    total: int
    problems: list[ProblemOut]


class RequestErrorOut(Schema):
    """A request that failed validation: one item per bad parameter or field, with its place."""

    detail: list[dict[str, Any]]


ImportRefusedOut = ImportErrorOut | RequestErrorOut


class ConflictOut(Schema):
    """The request lost a race or repeats a change already made (409)."""

    detail: str


def import_refused(exc: ValueError, filename: str) -> Status:
    """The refusal of an import: ImportFailed lists its problems (413 when the file is past the
    size bounds, else 422); any other ValueError (a file that cannot be read at all) becomes one
    problem of the file, 422."""
    status = getattr(exc, "status", 422)
    problems = getattr(exc, "problems", None)
    if problems is None:
        problems = [ProblemOut(file=filename, row=0, column="", message=str(exc))]
    else:
        problems = [ProblemOut(**p.__dict__) for p in problems]
    detail = problems[0].message if status == 413 else _("nothing was imported")
    return Status(
        status,
        ImportErrorOut(
            detail=detail, total=getattr(exc, "total", len(problems)), problems=problems
        ),
    )
