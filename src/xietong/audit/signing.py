"""Ed25519 signatures over audit checkpoints.

A checkpoint is the operator's signed word that the log had ``size`` entries ending in ``head``
at a time (the Certificate Transparency / transparency-log checkpoint). The signature is over a
short text note, so the same bytes can be checked with any Ed25519 tool:

    xietong-audit-checkpoint/v1
    origin <log name>
    size <entries>
    head <SHA-256 of entry #size, hex>
    issued <UTC time, ISO 8601>
    key <key id>

The signing key comes from ``XIETONG_AUDIT_SIGNING_KEY`` (PEM, or base64 of the 32-byte seed) or
else from the key file (``XIETONG_AUDIT_KEY_FILE``, default ``audit-signing-key.pem`` under
``XIETONG_DATA_DIR``), which is made, readable by its owner only, the first time it is needed.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

FORMAT = "xietong-audit-checkpoint/v1"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw 32-byte public key."""
    return hashlib.sha256(_raw_public(key)).hexdigest()[:16]


def public_key_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(_raw_public(key)).decode("ascii")


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _parse_private(text: str, source: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ImproperlyConfigured(
            f"{source}: not an Ed25519 private key (PEM or base64 of 32 bytes): {exc}"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{source}: the key is not an Ed25519 key")
    return key


def _create_key_file(path: Path) -> None:
    """Write a new key so that two processes racing to make it end up sharing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process got there first; keep theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def signing_key() -> Ed25519PrivateKey:
    """The log's private key (made on first use when neither the environment nor a file has it)."""
    text = getattr(settings, "XIETONG_AUDIT_SIGNING_KEY", "")
    if text:
        return _parse_private(text, "XIETONG_AUDIT_SIGNING_KEY")
    path = Path(settings.XIETONG_AUDIT_KEY_FILE)
    if not path.exists():
        _create_key_file(path)
    return _parse_private(path.read_text(encoding="ascii"), str(path))


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def load_public_key(data: bytes, source: str) -> Ed25519PublicKey:
    """A trusted public key from a PEM file or base64 text (e.g. the key of an earlier period)."""
    text = data.decode("ascii", errors="replace").strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ValueError(
            _("%(file)s: not an Ed25519 public key (PEM or base64).") % {"file": source}
        ) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(
            _("%(file)s: not an Ed25519 public key (PEM or base64).") % {"file": source}
        )
    return key


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    head: str
    issued_at: str  # UTC, TIME_FORMAT: kept as text so the signed bytes are exactly reproducible
    key_id: str
    public_key: str = ""  # base64 of the raw public key
    signature: str = ""  # base64 of the Ed25519 signature over body()
    id: int | None = None

    def body(self) -> bytes:
        return (
            f"{FORMAT}\norigin {self.origin}\nsize {self.size}\nhead {self.head}\n"
            f"issued {self.issued_at}\nkey {self.key_id}\n"
        ).encode()

    def document(self) -> dict:
        """The JSON a member downloads and later hands to ``xietong audit verify --checkpoint``."""
        return {
            "format": FORMAT,
            "id": self.id,
            "origin": self.origin,
            "size": self.size,
            "head": self.head,
            "issued_at": self.issued_at,
            "key_id": self.key_id,
            "public_key": self.public_key,
            "signature": self.signature,
        }


def sign(*, origin: str, size: int, head: str, issued_at: dt.datetime) -> Checkpoint:
    private = signing_key()
    public = private.public_key()
    unsigned = Checkpoint(
        origin=origin,
        size=size,
        head=head,
        issued_at=issued_at.astimezone(dt.UTC).strftime(TIME_FORMAT),
        key_id=key_id(public),
        public_key=public_key_b64(public),
    )
    signature = base64.b64encode(private.sign(unsigned.body())).decode("ascii")
    return replace(unsigned, signature=signature)


def signature_problem(cp: Checkpoint, trusted: list[Ed25519PublicKey]) -> str:
    """Empty when a trusted key made the signature; otherwise what is wrong, for the reader."""
    keys = {key_id(k): k for k in trusted}
    key = keys.get(cp.key_id)
    if key is None:
        return _(
            "it was signed with key %(key)s, which is not a trusted key of this log "
            "(trusted: %(trusted)s); pass the public key of that period with --public-key"
        ) % {"key": cp.key_id, "trusted": ", ".join(sorted(keys)) or "-"}
    try:
        key.verify(base64.b64decode(cp.signature, validate=True), cp.body())
    except (InvalidSignature, binascii.Error, ValueError):
        return _("its signature does not verify: the file was altered or not issued by this log")
    return ""


def _field(data: dict, name: str, kind, source: str):
    if name not in data:
        raise ValueError(
            _("%(file)s: field %(field)s is missing.") % {"file": source, "field": name}
        )
    value = data[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(
            _("%(file)s: field %(field)s has the wrong type.") % {"file": source, "field": name}
        )
    return value


def from_document(data, source: str) -> Checkpoint:
    """Parse a downloaded checkpoint; every problem names the file and the field."""
    if not isinstance(data, dict):
        raise ValueError(_("%(file)s: not a checkpoint (a JSON object).") % {"file": source})
    if data.get("format") != FORMAT:
        raise ValueError(
            _("%(file)s: field format must be %(format)s.") % {"file": source, "format": FORMAT}
        )
    size = _field(data, "size", int, source)
    if size < 0:
        raise ValueError(
            _("%(file)s: field %(field)s must not be negative.") % {"file": source, "field": "size"}
        )
    head = _field(data, "head", str, source)
    if not _HEX64.fullmatch(head):
        raise ValueError(
            _("%(file)s: field %(field)s must be 64 hexadecimal digits.")
            % {"file": source, "field": "head"}
        )
    issued = _field(data, "issued_at", str, source)
    try:
        dt.datetime.strptime(issued, TIME_FORMAT)
    except ValueError as exc:
        raise ValueError(
            _("%(file)s: field %(field)s is not a UTC time like 2026-01-31T08:00:00.000000Z.")
            % {"file": source, "field": "issued_at"}
        ) from exc
    ident = data.get("id")
    return Checkpoint(
        origin=_field(data, "origin", str, source),
        size=size,
        head=head,
        issued_at=issued,
        key_id=_field(data, "key_id", str, source),
        public_key=str(data.get("public_key", "")),
        signature=_field(data, "signature", str, source),
        id=ident if isinstance(ident, int) and not isinstance(ident, bool) else None,
    )


def _key_configured() -> bool:
    return bool(getattr(settings, "XIETONG_AUDIT_SIGNING_KEY", "")) or (
        Path(settings.XIETONG_AUDIT_KEY_FILE).exists()
    )


def trusted_public_keys(extra=()) -> list[Ed25519PublicKey]:
    """The current key, the keys of earlier periods listed in ``XIETONG_AUDIT_TRUSTED_KEYS``
    (base64, separated by spaces or commas) and any passed in. Verifying never makes a key: an
    auditor's copy without the private key trusts only the public keys it is given."""
    keys = [public_key()] if _key_configured() else []
    listed = getattr(settings, "XIETONG_AUDIT_TRUSTED_KEYS", "")
    for i, text in enumerate(t for t in re.split(r"[\s,]+", listed) if t):
        keys.append(load_public_key(text.encode("ascii"), f"XIETONG_AUDIT_TRUSTED_KEYS[{i + 1}]"))
    return [*keys, *extra]
