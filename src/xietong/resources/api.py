"""Typed endpoints of the catalogue: reads through the scoped selectors, writes through the
services. A resource the caller may not read is a 404, a write it may not make a 403."""

import datetime
import uuid

from django.http import JsonResponse
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import LimitOffset, found

from . import jsonld, selectors, services
from .storage import FileRefused

router = Router(tags=["resources"])
LD_JSON = "application/ld+json"


class VocabularyEntryOut(Schema):
    code: str
    name: str


class ResourceOut(Schema):
    id: uuid.UUID
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    kind: str
    stage: str
    grade: str
    subject: str
    edition: str
    volume: str
    unit: str
    lesson: str
    standards: list[str]
    language: str
    licence: str
    author_name: str
    owner: str
    visibility: str
    status: str
    version: int
    published_version: int | None
    file_sha256: str
    file_type: str
    external_url: str
    is_based_on: str
    preview_status: str = Field(
        "", description="An office document's PDF preview: pending, ready, failed, or empty"
    )
    preview_pdf: str = Field("", description="Where the PDF preview is, once it is ready")


def _preview(r) -> dict:
    from .previews import preview_of

    p = preview_of(r.file) if r.file_id else None
    if p is None:
        return {}
    url = reverse("resource_preview", args=[r.pk]) if p.status == "ready" else ""
    return {"preview_status": p.status, "preview_pdf": url}


def _out(r) -> ResourceOut:
    snap = services.snapshot(r)
    return ResourceOut(
        id=r.pk,
        status=r.status,
        version=r.version,
        published_version=r.published_version,
        **_preview(r),
        file_type=r.file.mime_type if r.file_id else "",
        **{k: snap[k] for k in ResourceOut.model_fields if k in snap},
    )


class _Mapped:
    """A queryset whose page is shaped for output: only the requested slice is read."""

    def __init__(self, qs, fn):
        self.qs, self.fn = qs, fn

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, s: slice):
        return [self.fn(r) for r in self.qs[s]]


def _get(request, id: uuid.UUID):
    r = found(selectors.resource_get(actor=request.actor, pk=id))
    return r


class ResourceListQuery(Schema):
    published: bool = False
    edition: str = ""
    subject: str = ""
    stage: str = ""
    grade: str = ""
    kind: str = ""
    chapter: str = ""


@router.get(
    "/resources", response=list[ResourceOut], auth=READ_AUTH, summary="Resources you may read"
)
@paginate(LimitOffset)
def resource_list(request, q: Query[ResourceListQuery]):
    return _Mapped(selectors.resource_list(actor=request.actor, **q.dict()), _out)


@router.get(
    "/resources/queue",
    response=list[ResourceOut],
    auth=WRITE_AUTH,
    summary="Submissions awaiting your review (the owning bureau's)",
)
@paginate(LimitOffset)
def review_queue(request):
    return _Mapped(selectors.review_queue(actor=request.actor), _out)


class CollectionItemOut(Schema):
    resource: uuid.UUID
    title: str
    imported_version: int
    current_version: int
    status: str
    unread_notices: int


@router.get("/resources/collection", response=list[CollectionItemOut], auth=WRITE_AUTH)
def collection(request):
    return [
        CollectionItemOut(
            resource=i.resource_id,
            title=i.resource.title,
            imported_version=i.imported_version,
            current_version=i.resource.version,
            status=i.resource.status,
            unread_notices=sum(1 for n in i.notices.all() if n.read_at is None),
        )
        for i in selectors.collection_list(actor=request.actor)
    ]


@router.get(
    "/resources/{uuid:id}",
    response=ResourceOut,
    auth=READ_AUTH,
    summary="One resource (JSON-LD, schema.org LearningResource, with Accept: application/ld+json)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The resource",
                "content": {LD_JSON: {"schema": {"type": "object"}}},
            }
        }
    },
)
def resource_detail(request, id: uuid.UUID):
    r = _get(request, id)
    if LD_JSON in request.headers.get("Accept", ""):
        base = request.build_absolute_uri("/").rstrip("/")
        return JsonResponse(
            jsonld.learning_resource(r, base_url=base),
            content_type=LD_JSON,
            json_dumps_params={"ensure_ascii": False},
        )
    return _out(r)


class ResourceUploadIn(Schema):
    owner: str
    title_zh: str
    title_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    kind: str
    stage: str
    grade: str = ""
    subject: str = ""
    edition: str = ""
    volume: str = ""
    unit: str = ""
    lesson: str = ""
    standards: str = ""  # codes separated by commas
    language: str = "zh-Hans"
    licence: str
    author_name: str = ""
    visibility: str = "private"
    external_url: str = ""


class ResourceRefusedOut(Schema):
    detail: str


def upload_fields(payload: ResourceUploadIn) -> dict:
    fields = payload.dict()
    fields.pop("owner")
    fields["standards"] = [s.strip() for s in fields["standards"].split(",") if s.strip()]
    return fields


@router.post(
    "/resources",
    response={201: ResourceOut, 413: ResourceRefusedOut},
    auth=WRITE_AUTH,
    summary="Upload a resource (a draft): a file or an external link",
)
def upload(request, payload: Form[ResourceUploadIn], file: File[UploadedFile] = None):
    school, jurisdiction = selectors.owner_from_code(payload.owner)
    try:
        r = services.resource_create(
            actor=request.actor,
            owner_school=school,
            owner_jurisdiction=jurisdiction,
            upload=file,
            **upload_fields(payload),
        )
    except FileRefused as exc:
        if exc.code == "size":
            return Status(413, ResourceRefusedOut(detail=str(exc)))
        raise
    return Status(201, _out(r))


class ResourceSubmitIn(Schema):
    pledge: bool = False


class ResourceSubmitOut(Schema):
    status: str
    problems: list[str]


@router.post("/resources/{uuid:id}/submit", response=ResourceSubmitOut, auth=WRITE_AUTH)
def submit(request, id: uuid.UUID, payload: ResourceSubmitIn):
    r, codes = services.resource_submit(
        resource=_get(request, id), actor=request.actor, pledge=payload.pledge
    )
    return ResourceSubmitOut(status=r.status, problems=codes)


@router.post("/resources/{uuid:id}/approve", response=ResourceOut, auth=WRITE_AUTH)
def approve(request, id: uuid.UUID):
    return _out(services.resource_approve(resource=_get(request, id), actor=request.actor))


class ResourceReasonIn(Schema):
    reason: str


@router.post("/resources/{uuid:id}/reject", response=ResourceOut, auth=WRITE_AUTH)
def reject(request, id: uuid.UUID, payload: ResourceReasonIn):
    r = services.resource_reject(
        resource=_get(request, id), actor=request.actor, reason=payload.reason
    )
    return _out(r)


@router.post("/resources/{uuid:id}/withdraw", response=ResourceOut, auth=WRITE_AUTH)
def withdraw(request, id: uuid.UUID, payload: ResourceReasonIn):
    r = services.resource_withdraw(
        resource=_get(request, id), actor=request.actor, reason=payload.reason
    )
    return _out(r)


@router.post("/resources/{uuid:id}/import", response={201: CollectionItemOut}, auth=WRITE_AUTH)
def import_(request, id: uuid.UUID):
    item = services.collection_import(resource=_get(request, id), actor=request.actor)
    r = item.resource
    return Status(
        201,
        CollectionItemOut(
            resource=r.pk,
            title=r.title,
            imported_version=item.imported_version,
            current_version=r.version,
            status=r.status,
            unread_notices=0,
        ),
    )


@router.get(
    "/resources/vocabulary/{scheme}",
    response=list[VocabularyEntryOut],
    auth=READ_AUTH,
    summary="Entries of a vocabulary of the current release (public reference data)",
)
def vocabulary(request, scheme: str):
    return [VocabularyEntryOut(code=n.code, name=n.name) for n in selectors.vocabulary(scheme)]


class ResourcesFlowCellOut(Schema):
    source: str
    consumer: str
    count: int | None


class ResourcesFlowQuery(Schema):
    period_from: str = ""
    period_to: str = ""
    kind: str = ""


@router.get(
    "/resources/flows",
    response=list[ResourcesFlowCellOut],
    auth=READ_AUTH,
    summary="Usage between members (province prefixes); public cells below 5 are null",
)
def flow_matrix(request, q: Query[ResourcesFlowQuery]):
    from . import flows

    return flows.flow_matrix(
        actor=request.actor,
        period_from=q.period_from[:7],
        period_to=q.period_to[:7],
        kinds=[q.kind] if q.kind else [],
    )


@router.get(
    "/resources/{uuid:id}/usage",
    response=dict[str, int | None],
    auth=READ_AUTH,
    summary="Usage events per kind of one resource you may read (public: below 5 is null)",
)
def resource_usage(request, id: uuid.UUID):
    from . import flows

    return flows.usage_counts(actor=request.actor, resource=_get(request, id))


class ResourceLineageNodeOut(Schema):
    id: uuid.UUID
    title: str
    owner: str = Field(description="The owning school's code or the owning jurisdiction's code")
    owner_name: str
    owner_member: str = Field(description="12-digit code of the owner's province")
    licence: str
    author_name: str
    created_at: datetime.datetime
    url: str = Field(description="The resource's page")
    parent: uuid.UUID | None = Field(description="The resource it is based on in this tree")
    depth: int = Field(
        description="0: the resource asked for; 1: its remixes; -1: its source; -2: the source's "
        "source (hidden ones keep their place)"
    )
    hidden_remixes: int = Field(description="Its remixes you may not read (counted, not named)")


class ResourceLineageOut(Schema):
    resource: uuid.UUID
    ancestors: list[ResourceLineageNodeOut] = Field(
        description="The sources you may read, the root first, the direct source last"
    )
    hidden_ancestors: int
    descendants: list[ResourceLineageNodeOut] = Field(
        description="The resource itself, then its remixes you may read, depth first"
    )
    hidden_remixes: int
    cut_off: bool = Field(description="Remixes deeper than the tree's limit exist")


def _lineage_node(request, r, *, parent=None, depth: int = 0, hidden: int = 0):
    return ResourceLineageNodeOut(
        id=r.pk,
        title=r.title,
        owner=r.owner_school.code if r.owner_school_id else r.owner_jurisdiction_id,
        owner_name=r.owner.name,
        owner_member=r.owner_code[:2].ljust(12, "0"),
        licence=r.licence,
        author_name=r.author_name,
        created_at=r.created_at,
        url=request.build_absolute_uri(reverse("resource_detail", args=[r.pk])),
        parent=parent,
        depth=depth,
        hidden_remixes=hidden,
    )


@router.get(
    "/resources/{uuid:id}/lineage",
    response=ResourceLineageOut,
    auth=READ_AUTH,
    summary="Remix lineage of a resource you may read: its sources and the tree of its remixes "
    "(those you may not read are counted as hidden)",
)
def resource_lineage(request, id: uuid.UUID):
    from .lineage import lineage

    r = _get(request, id)
    found = lineage(actor=request.actor, resource=r)
    chain = list(found.chain)

    def above(i: int):  # the one it is based on, when the reader may read it
        return chain[i - 1].pk if i > 0 and chain[i - 1] is not None else None

    return ResourceLineageOut(
        resource=r.pk,
        ancestors=[
            _lineage_node(request, a, parent=above(i), depth=i - len(chain))
            for i, a in enumerate(chain)
            if a is not None
        ],
        hidden_ancestors=found.hidden_ancestors,
        descendants=[
            _lineage_node(
                request,
                n.resource,
                parent=n.parent_id if n.depth else above(len(chain)),
                depth=n.depth,
                hidden=n.hidden_remixes,
            )
            for n in found.nodes
        ],
        hidden_remixes=found.hidden_remixes,
        cut_off=found.cut_off,
    )


class ResourceSearchQuery(Schema):
    q: str = Field("", max_length=200, description="The query (Chinese or English; may be empty)")
    page: int = Field(1, ge=1, le=50, description="Page of 20 hits")
    chapter: str = Field(
        "", description="A volume or unit code: adds the crosswalked chapters of other editions"
    )
    stage: list[str] = Field([], description="Stage codes (ORed; facets are ANDed)")
    grade: list[str] = []
    subject: list[str] = []
    edition: list[str] = []
    kind: list[str] = []
    licence: list[str] = []
    owner_member: list[str] = Field([], description="12-digit province codes of the owner")


class ResourceSearchHighlightOut(Schema):
    title: str
    snippet: str


class ResourceSearchHitOut(Schema):
    id: uuid.UUID
    title: str
    score: float
    highlight: ResourceSearchHighlightOut
    from_other_edition: bool


class ResourceSearchFacetValueOut(Schema):
    code: str
    label: str
    count: int


class ResourceSearchFacetOut(Schema):
    name: str
    values: list[ResourceSearchFacetValueOut]


class ResourceSearchOut(Schema):
    query: str
    normalized: str
    count: int
    page: int
    pages: int
    hits: list[ResourceSearchHitOut]
    facets: list[ResourceSearchFacetOut]


@router.get(
    "/resources/search",
    response=ResourceSearchOut,
    auth=READ_AUTH,
    summary="Search the resources you may read: hits with highlights (<mark>) and facet counts",
)
def resource_search(request, q: Query[ResourceSearchQuery]):
    from . import finder

    filters = {name: getattr(q, name) for name in finder.FACETS if getattr(q, name)}
    try:
        found = finder.find(
            actor=request.actor, text=q.q, filters=filters, chapter=q.chapter.strip(), page=q.page
        )
    except finder.SearchInputError as exc:
        raise HttpError(422, str(exc)) from None
    return ResourceSearchOut(
        query=found.text,
        normalized=found.normalized,
        count=found.total,
        page=found.page,
        pages=found.pages,
        hits=[
            ResourceSearchHitOut(
                id=row.resource.pk,
                title=row.resource.title,
                score=row.score,
                highlight=ResourceSearchHighlightOut(
                    title=str(row.title_html), snippet=str(row.snippet_html)
                ),
                from_other_edition=row.from_other_edition,
            )
            for row in found.rows
        ],
        facets=[
            ResourceSearchFacetOut(
                name=name,
                values=[
                    ResourceSearchFacetValueOut(code=v.code, label=v.label, count=v.count)
                    for v in values
                ],
            )
            for name, values in found.facets.items()
        ],
    )
