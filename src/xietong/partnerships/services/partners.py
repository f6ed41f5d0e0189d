"""Social partners (enterprises, foundations, universities) that can be parties of a
cooperation. They have no account of their own: a cooperation area's secretariat, an education
bureau or the administrator registers one, and acts for it in the cooperations it joins."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction

from ..models import SocialPartner, SocialPartnerKind
from .common import choice, scope_of, text

# GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》 (code structure and character set; the
# article number is not checked here): 18 characters of digits and capitals without I, O, S, V,
# Z. The check digit is not computed.
CREDIT_CODE_CHARS = set("0123456789ABCDEFGHJKLMNPQRTUWXY")


def may_register_partner(scope) -> bool:
    """A secretariat, a bureau or the administrator registers social partners."""
    return scope.is_admin or bool(scope.area_ids) or bool(scope.write_prefixes)


def _credit_code(value) -> str:
    code = str(value or "").strip().upper()
    if not code:
        return ""
    if len(code) != 18 or not set(code) <= CREDIT_CODE_CHARS:
        raise ValueError(
            _(
                "unified social credit code: %(v)s is not 18 characters of digits and capital "
                "letters (GB 32100-2015)."
            )
            % {"v": code}
        )
    return code


def social_partner_create(
    *,
    actor,
    name_zh: str,
    kind: str,
    name_en: str = "",
    credit_code: str = "",
    is_synthetic: bool = False,
) -> SocialPartner:
    """Register a social partner; refused when its credit code (if given) is already known."""
    scope = scope_of(actor)
    scope.require(may_register_partner(scope), _("register social partners"))
    fields = {
        "name_zh": text(name_zh, _("Chinese name"), max_length=200),
        "name_en": text(name_en, _("English name"), max_length=300, required=False),
        "kind": choice(kind, SocialPartnerKind, _("kind")),
        "credit_code": _credit_code(credit_code),
    }
    with transaction.atomic():
        code = fields["credit_code"]
        if code and SocialPartner.objects.filter(credit_code=code).exists():
            raise ValueError(
                _("unified social credit code: %(v)s is already registered.") % {"v": code}
            )
        partner = SocialPartner.objects.create(**fields, is_synthetic=is_synthetic)
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_SOCIAL_PARTNER_CREATE,
            obj=partner,
            after=fields,
        )
    return partner
