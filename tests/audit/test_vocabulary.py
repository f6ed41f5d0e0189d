"""The audit vocabulary stays closed and alive: audit_record refuses codes outside it, derives the
object from a model instance, and every member is written by some call site (or kept as legacy
for old entries), so the list does not rot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import translation

from xietong.audit import vocabulary
from xietong.audit.models import AuditEntry
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import (
    LEGACY_ACTIONS,
    LEGACY_OBJECT_TYPES,
    AuditAction,
    ObjectType,
    object_type_of,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "xietong"
VOCABULARY = SRC / "audit" / "vocabulary.py"


def _sources() -> dict[Path, str]:
    return {p: p.read_text("utf-8") for p in sorted(SRC.rglob("*.py")) if p != VOCABULARY}


def _used(vocabulary_class) -> set[str]:
    """Members named in the source (``AuditAction.X``) or written as their stored string (call
    sites not converted yet, data migrations that must not import today's code)."""
    names = {m.name: m.value for m in vocabulary_class}
    values = set(names.values())
    used: set[str] = set()
    for text in _sources().values():
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == vocabulary_class.__name__
                and node.attr in names
            ):
                used.add(names[node.attr])
            elif isinstance(node, ast.Constant) and node.value in values:
                used.add(node.value)
    return used


def test_every_action_is_written_somewhere_or_legacy():
    written = _used(AuditAction)
    legacy = {m.value for m in LEGACY_ACTIONS}
    assert sorted({m.value for m in AuditAction} - written - legacy) == []
    assert sorted(written & legacy) == []  # a legacy action is one nothing writes any more


def test_every_object_type_is_written_somewhere_or_legacy():
    registered = {kind.value for kind, _key in vocabulary.MODEL_OBJECT_TYPES.values()}
    admin_types = {m.value for m in ObjectType if m.name.startswith("ADMIN_")}
    written = _used(ObjectType) | registered | admin_types
    legacy = {m.value for m in LEGACY_OBJECT_TYPES}
    assert sorted({m.value for m in ObjectType} - written - legacy) == []


def test_admin_object_types_are_the_audited_admin_models():
    """The admin names rows by ``_meta.label_lower``: every model edited through the audited
    admin has its ADMIN_ member, and every ADMIN_ member is such a model."""
    from django.contrib import admin

    from xietong.audit.admin_mixins import AuditedAdminMixin

    audited = {
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, AuditedAdminMixin)
    }
    assert audited == {m.value for m in ObjectType if m.name.startswith("ADMIN_")}


def test_the_scan_sees_a_use():
    """The scan is not vacuous: a converted call site and an unconverted string both count."""
    assert "finance.round_withdraw" in _used(AuditAction)  # finance: AuditAction.X
    assert "teacher.create" in _used(AuditAction)  # talent: still a string
    assert "finance.Fund" in _used(ObjectType) | {
        k.value for k, _f in vocabulary.MODEL_OBJECT_TYPES.values()
    }


def test_values_fit_the_columns_and_are_unique():
    for vocab in (AuditAction, ObjectType):
        values = [m.value for m in vocab]
        assert len(values) == len(set(values))
        assert max(map(len, values)) <= AuditEntry._meta.get_field("action").max_length


def test_every_registered_model_exists():
    for label in vocabulary.MODEL_OBJECT_TYPES:
        assert apps.get_model(label)._meta.label == label


def test_unknown_codes_are_refused_and_nothing_is_written(db):
    before = AuditEntry.objects.count()
    with transaction.atomic():
        with pytest.raises(ValueError, match="finance.fund_opne"):
            audit_record(
                actor=None, action="finance.fund_opne", object_type=ObjectType.DEMO, object_id=1
            )
        with pytest.raises(ValueError, match="schoool"):
            audit_record(
                actor=None, action=AuditAction.DEMO_LOAD, object_type="schoool", object_id=1
            )
        with pytest.raises(TypeError):
            audit_record(actor=None, action=AuditAction.DEMO_LOAD, object_type=ObjectType.DEMO)
    assert AuditEntry.objects.count() == before


def test_a_stored_string_is_accepted_as_its_member(db):
    with transaction.atomic():
        entry = audit_record(
            actor=None, action="demo.load", object_type="demo", object_id="7", after={}
        )
    assert (entry.action, entry.object_type, entry.object_id) == ("demo.load", "demo", "7")


def test_obj_names_the_object_as_the_log_always_has(world):
    school, area = world["schools"]["A"], world["areas"]["yrd"]
    assert object_type_of(school) == (ObjectType.SCHOOL, school.code)
    assert object_type_of(area) == (ObjectType.COOPERATION_AREA, "yrd")
    with transaction.atomic():
        entry = audit_record(actor=None, action=AuditAction.SCHOOL_UPDATE, obj=school)
    assert (entry.object_type, entry.object_id) == ("school", school.code)
    with transaction.atomic(), pytest.raises(TypeError):
        audit_record(
            actor=None, action=AuditAction.SCHOOL_UPDATE, obj=school, object_type=ObjectType.SCHOOL
        )


def test_a_model_outside_the_vocabulary_is_refused(world):
    from xietong.schools.models import Indicator

    with pytest.raises(LookupError, match="Indicator"):
        object_type_of(Indicator.objects.first())


def test_entries_read_in_words(db):
    with transaction.atomic():
        entry = audit_record(
            actor=None,
            action=AuditAction.FINANCE_FUND_OPEN,
            object_type="finance.Fund",
            object_id="x",
        )
    with translation.override("en"):
        assert entry.action_label == "Fund opened"
        assert entry.object_type_label == "fund"
    assert vocabulary.action_label("no.such") == "no.such"  # an unknown code reads as itself
