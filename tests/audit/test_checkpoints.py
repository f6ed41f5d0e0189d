"""Signed checkpoints: a rewrite that re-hashes the chain to its end, or cuts its tail and rewinds
the head, verifies as intact on its own, and is found against a checkpoint issued before it."""

import base64
import json
import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.db import connection, transaction
from django.utils import translation

from xietong.audit import signing, triggers
from xietong.audit.chain import GENESIS, entry_digest
from xietong.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from xietong.audit.services import (
    ChainBroken,
    audit_checkpoint_due,
    audit_checkpoint_issue,
    checkpoint_file_read,
    checkpoint_of,
    verify_chain,
)
from xietong.cli import main

from .test_chain import _write


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def key_file(settings, tmp_path):
    settings.XIETONG_AUDIT_SIGNING_KEY = ""
    settings.XIETONG_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit-signing-key.pem")
    return tmp_path / "keys" / "audit-signing-key.pem"


def _issue():
    with transaction.atomic():
        return audit_checkpoint_issue(actor=None)


def _held(row, tmp_path, name="held.json"):
    """The member downloads the checkpoint and keeps the file."""
    path = tmp_path / name
    path.write_text(json.dumps(checkpoint_of(row).document()))
    return path


def _against(held):
    return verify_chain(checkpoints=[checkpoint_file_read(data=held.read_bytes(), source="held")])


def _forge(rewrite):
    """What someone with write access to the database can do: drop the triggers, remove the
    stored checkpoints and the chain's records of them, rebuild the chain from genesis with
    ``rewrite(entries)`` (edited, cut), re-hash every entry and move the head to the new end."""
    triggers.uninstall(connection)
    rows = [
        r for r in AuditEntry.objects.order_by("seq").values() if r["action"] != "audit.checkpoint"
    ]
    rows = rewrite(rows)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditentry")
        cur.execute("DELETE FROM audit_auditcheckpoint")
    prev = GENESIS
    for seq, r in enumerate(rows, start=1):
        r.update(seq=seq, prev_hash=prev)
        fields = {k: r[k] for k in ("created_at", "actor_id", "actor_label", "action")}
        r["entry_hash"] = prev = entry_digest(
            seq=seq,
            object_type=r["object_type"],
            object_id=r["object_id"],
            before=r["before"],
            after=r["after"],
            prev_hash=r["prev_hash"],
            **fields,
        )
    AuditEntry.objects.bulk_create([AuditEntry(**r) for r in rows])
    AuditHead.objects.filter(id=1).update(seq=len(rows), entry_hash=prev)


def test_checkpoint_is_signed_over_the_head(db, key_file):
    _write(4)
    head = AuditHead.objects.get(id=1)
    row = _issue()
    assert (row.size, row.head_hash) == (head.seq, head.entry_hash)
    doc = checkpoint_of(row).document()
    assert doc["format"] == "xietong-audit-checkpoint/v1" and doc["id"] == row.pk
    # anyone can check it with the published public key and any Ed25519 implementation
    body = (
        f"xietong-audit-checkpoint/v1\norigin {doc['origin']}\nsize {doc['size']}\n"
        f"head {doc['head']}\nissued {doc['issued_at']}\nkey {doc['key_id']}\n"
    ).encode()
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(doc["public_key"]))
    public.verify(base64.b64decode(doc["signature"]), body)  # raises if it does not verify
    assert signing.key_id(public) == doc["key_id"] == signing.key_id(signing.public_key())
    # the issue is recorded in the chain, after the entries it covers
    record = AuditEntry.objects.get(seq=row.size + 1)
    assert record.action == "audit.checkpoint" and record.after["head"] == row.head_hash
    assert verify_chain().ok


def test_key_is_made_on_first_use_readable_by_its_owner_only(db, key_file):
    assert not key_file.exists()
    first = signing.key_id(signing.public_key())
    assert key_file.exists()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert signing.key_id(signing.public_key()) == first  # the same key next time


def test_key_from_the_environment(db, settings, key_file):
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    settings.XIETONG_AUDIT_SIGNING_KEY = base64.b64encode(seed).decode()
    assert signing.key_id(signing.public_key()) == signing.key_id(private.public_key())
    settings.XIETONG_AUDIT_SIGNING_KEY = private.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    ).decode()
    assert signing.key_id(signing.public_key()) == signing.key_id(private.public_key())
    assert not key_file.exists()


def test_edit_and_rehash_is_found_against_an_earlier_checkpoint(db, key_file, tmp_path):
    _write(6)
    held = _held(_issue(), tmp_path)
    _write(3)
    size = json.loads(held.read_text())["size"]

    def edit(rows):
        rows[size - 3]["after"] = {"v": 999}  # an entry the checkpoint covers
        return rows

    _forge(edit)
    assert verify_chain().ok  # on its own the re-hashed chain looks intact: the old weakness
    report = _against(held)
    assert not report.ok
    assert f"entry #{size} no longer has the hash held signed" in report.problem
    assert "rewritten" in report.problem


def test_truncate_and_rewind_is_found_against_an_earlier_checkpoint(db, key_file, tmp_path):
    _write(6)
    held = _held(_issue(), tmp_path)
    size = json.loads(held.read_text())["size"]
    _forge(lambda rows: rows[: size - 2])  # cut the tail, head moved back to the new end
    assert verify_chain().ok
    report = _against(held)
    assert not report.ok
    assert report.first_bad_seq == size - 1
    assert f"held covers {size} entries but the log has only {size - 2}" in report.problem
    assert "truncated" in report.problem


def test_truncated_and_regrown_past_the_checkpoint_is_found(db, key_file, tmp_path):
    _write(5)
    held = _held(_issue(), tmp_path)
    size = json.loads(held.read_text())["size"]
    _forge(lambda rows: rows[: size - 1])
    _write(4)  # new entries written over the cut: longer than the checkpoint again
    report = _against(held)
    assert not report.ok and "rewritten" in report.problem


def test_stored_checkpoints_catch_a_rehash_that_left_them_alone(db, key_file):
    _write(5)
    first = _issue()
    _write(5)
    second = _issue()
    triggers.uninstall(connection)
    rows = list(AuditEntry.objects.order_by("seq").values())
    # re-hash everything from an entry between the two checkpoints, keeping the checkpoint rows
    target = first.size + 2
    prev = AuditEntry.objects.get(seq=target - 1).entry_hash
    for r in rows[target - 1 :]:
        if r["seq"] == target:
            r["after"] = {"v": -1}
        r["prev_hash"] = prev
        r["entry_hash"] = prev = entry_digest(
            **{k: r[k] for k in ("seq", "created_at", "actor_id", "actor_label", "action")},
            object_type=r["object_type"],
            object_id=r["object_id"],
            before=r["before"],
            after=r["after"],
            prev_hash=r["prev_hash"],
        )
        AuditEntry.objects.filter(pk=r["id"]).update(
            after=r["after"], prev_hash=r["prev_hash"], entry_hash=r["entry_hash"]
        )
    AuditHead.objects.filter(id=1).update(entry_hash=prev)
    report = verify_chain()
    assert not report.ok
    assert f"checkpoint #{second.pk}" in report.problem
    assert f"from #{first.size + 1} to #{second.size}" in report.problem


def test_deleted_checkpoint_row_is_found(db, key_file):
    _write(2)
    row = _issue()
    triggers.uninstall(connection)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditcheckpoint WHERE id = %s", [row.pk])
    report = verify_chain()
    assert not report.ok
    assert f"records checkpoint #{row.pk}, which is missing" in report.problem


def test_altered_or_foreign_checkpoint_file_is_refused(db, key_file, tmp_path):
    _write(3)
    doc = checkpoint_of(_issue()).document()
    claim = checkpoint_file_read(data=json.dumps({**doc, "size": 2}).encode(), source="edited")
    report = verify_chain(checkpoints=[claim])
    assert not report.ok and "signature does not verify" in report.problem
    other = Ed25519PrivateKey.generate()
    cp = checkpoint_file_read(data=json.dumps(doc).encode(), source="x").checkpoint
    forged = signing.Checkpoint(
        **{**cp.__dict__, "key_id": signing.key_id(other.public_key()), "signature": ""}
    )
    forged = signing.Checkpoint(
        **{**forged.__dict__, "signature": base64.b64encode(other.sign(forged.body())).decode()}
    )
    claim = checkpoint_file_read(data=json.dumps(forged.document()).encode(), source="foreign")
    report = verify_chain(checkpoints=[claim])
    assert not report.ok and "not a trusted key" in report.problem
    # ... unless that key is trusted (a key of an earlier period)
    assert verify_chain(checkpoints=[claim], trusted_keys=[other.public_key()]).ok


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not json", "bad.json: not a JSON checkpoint"),
        ("[]", "bad.json: not a checkpoint"),
        ('{"format": "x"}', "bad.json: field format must be xietong-audit-checkpoint/v1"),
        ('{"format": "xietong-audit-checkpoint/v1"}', "bad.json: field size is missing"),
        (
            '{"format": "xietong-audit-checkpoint/v1", "size": "3"}',
            "bad.json: field size has the wrong type",
        ),
        (
            '{"format": "xietong-audit-checkpoint/v1", "size": 3, "head": "abc"}',
            "bad.json: field head must be 64 hexadecimal digits",
        ),
    ],
)
def test_malformed_file_names_the_field(db, document, message):
    with pytest.raises(ValueError, match=message):
        checkpoint_file_read(data=document.encode(), source="bad.json")


def test_no_checkpoint_over_a_broken_chain(db, key_file):
    _write(3)
    _issue()
    _forge(lambda rows: rows[:-1])  # the stored checkpoint's rows are gone too ...
    with connection.cursor() as cur:  # ... but say only the tail was cut, head left alone
        cur.execute("UPDATE audit_audithead SET seq = seq + 1")
    with pytest.raises(ChainBroken, match="entries at the end were deleted"):
        _issue()


def test_no_checkpoint_when_the_chain_no_longer_extends_the_last(db, key_file):
    _write(3)
    first = _issue()
    triggers.uninstall(connection)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditentry WHERE seq > %s", [first.size - 1])
        cur.execute(
            "UPDATE audit_audithead SET seq = %s, entry_hash = %s",
            [first.size - 1, AuditEntry.objects.get(seq=first.size - 1).entry_hash],
        )
    with pytest.raises(ChainBroken, match=f"checkpoint #{first.pk} covers"):
        _issue()
    assert AuditCheckpoint.objects.count() == 1


def test_due_only_when_something_was_added(db, key_file):
    _write(1)
    assert audit_checkpoint_due()
    _issue()
    assert not audit_checkpoint_due()  # only its own record since
    _write(1)
    assert audit_checkpoint_due()


def test_cli_checkpoint_and_verify(db, key_file, tmp_path, capsys):
    _write(4)
    out = tmp_path / "cp.json"
    assert main(["audit", "checkpoint", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    doc = json.loads(out.read_text())
    assert f"Checkpoint #{doc['id']} issued: {doc['size']} entries" in printed
    assert main(["audit", "checkpoint", "--if-changed", "--out", str(tmp_path / "b.json")]) == 0
    assert "kept" in capsys.readouterr().out
    assert AuditCheckpoint.objects.count() == 1
    assert main(["audit", "verify", "--checkpoint", str(out)]) == 0
    assert f"it extends {out}" in capsys.readouterr().out
    pem = tmp_path / "key.pem"
    assert main(["audit", "public-key", "--out", str(pem)]) == 0
    assert pem.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    _forge(lambda rows: rows[:2])
    assert main(["audit", "verify", "--checkpoint", str(out), "--public-key", str(pem)]) == 1
    err = capsys.readouterr().err
    assert "AUDIT CHAIN BROKEN" in err and "truncated" in err
    assert "AUDIT TRIGGERS MISSING" in err  # the forger dropped them
    (tmp_path / "bad.json").write_text('{"format": "xietong-audit-checkpoint/v1", "size": -1}')
    assert main(["audit", "verify", "--checkpoint", str(tmp_path / "bad.json")]) == 2
    assert "bad.json: field size must not be negative" in capsys.readouterr().err


def test_verifying_without_the_private_key_makes_none(db, key_file, settings, tmp_path):
    """An auditor's copy of the database has no signing key: it trusts the published public key
    it is given, and verifying does not quietly make a key of its own."""
    _write(2)
    _issue()
    pem = tmp_path / "published.pem"
    pem.write_text(signing.public_key_pem(signing.public_key()))
    settings.XIETONG_AUDIT_KEY_FILE = str(tmp_path / "auditor" / "none.pem")
    report = verify_chain()
    assert not report.ok and "not a trusted key" in report.problem
    assert not (tmp_path / "auditor").exists()
    published = signing.load_public_key(pem.read_bytes(), str(pem))
    assert verify_chain(trusted_keys=[published]).ok
