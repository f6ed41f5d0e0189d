"""Checkpoints of the audit log for members, and the public key that verifies them."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import LimitOffset, found

from . import selectors
from .services import checkpoint_of
from .signing import FORMAT, key_id, public_key, public_key_b64, public_key_pem

router = Router(tags=["audit"])


class CheckpointOut(Schema):
    """Exactly the file ``xietong audit verify --checkpoint`` reads: save it as it comes."""

    format: str
    id: int
    origin: str
    size: int
    head: str
    issued_at: str
    key_id: str
    public_key: str
    signature: str

    @staticmethod
    def resolve_format(obj) -> str:
        return FORMAT

    @staticmethod
    def resolve_head(obj) -> str:
        return obj.head_hash

    @staticmethod
    def resolve_issued_at(obj) -> str:
        return checkpoint_of(obj).issued_at


class PublicKeyOut(Schema):
    algorithm: str
    key_id: str
    public_key: str
    pem: str
    format: str


@router.get(
    "/audit/checkpoints",
    response=list[CheckpointOut],
    auth=WRITE_AUTH,
    summary="Signed checkpoints of the audit log, newest first (members)",
)
@paginate(LimitOffset)
def checkpoints(request):
    return selectors.checkpoint_list(scope=request.scope)


@router.get(
    "/audit/checkpoints/{checkpoint_id}",
    response=CheckpointOut,
    auth=WRITE_AUTH,
    summary="One signed checkpoint, as the file to keep (members)",
)
def checkpoint(request, checkpoint_id: int):
    row = found(selectors.checkpoint_get(scope=request.scope, pk=checkpoint_id))
    return row


@router.get(
    "/audit/public-key",
    response=PublicKeyOut,
    auth=READ_AUTH,
    summary="The Ed25519 public key that verifies audit checkpoints",
)
def audit_public_key(request):
    key = public_key()
    return PublicKeyOut(
        algorithm="Ed25519",
        key_id=key_id(key),
        public_key=public_key_b64(key),
        pem=public_key_pem(key),
        format=FORMAT,
    )
