"""The shared teaching-resource catalogue: vocabularies as versioned data, resources, their files
and versions, review, collections (split by domain: ``vocabulary`` and ``catalogue``)."""

from .catalogue import (
    CollectionItem,
    Resource,
    ResourceChangeNotice,
    ResourceFile,
    ResourcePartner,
    ResourceVersion,
    ReviewEvent,
    ReviewStep,
    Status,
    Visibility,
    WithdrawReason,
)
from .oai import HarvestedRecord, OaiTombstone
from .previews import FilePreview, PreviewError, PreviewStatus
from .search import SearchChange, SearchMiss
from .usage import UsageEvent, UsageKind
from .vocabulary import CrosswalkLink, Scheme, VocabularyNode, VocabularyRelease

__all__ = [
    "CollectionItem",
    "CrosswalkLink",
    "FilePreview",
    "HarvestedRecord",
    "OaiTombstone",
    "PreviewError",
    "PreviewStatus",
    "ReviewEvent",
    "ReviewStep",
    "Resource",
    "ResourceChangeNotice",
    "ResourceFile",
    "ResourcePartner",
    "ResourceVersion",
    "Scheme",
    "SearchChange",
    "SearchMiss",
    "Status",
    "UsageEvent",
    "UsageKind",
    "Visibility",
    "VocabularyNode",
    "VocabularyRelease",
    "WithdrawReason",
]
