"""Stored round results keep codes, not English: the certificate's mechanism becomes its code
(pages word it in the reader's language) and its stability sentence goes (the code implies it);
the predicted effect keeps each county's code and drops the Chinese name stored beside it, and
its note is a code."""

from django.db import migrations

# the English names the engine used to store, by the code that replaces them
MECHANISM_CODES = {
    "teacher-proposing deferred acceptance": "da",
    "flexible deferred acceptance (Kamada-Kojima)": "da_regions",
    "deferred acceptance with incumbent protection": "ir_da",
    "teacher-optimal block exchange (TO-BE)": "tobe",
}


def _mechanism(cert: dict) -> str:
    stored = cert.get("mechanism", "")
    if stored in MECHANISM_CODES.values():
        return stored
    if stored in MECHANISM_CODES:
        return MECHANISM_CODES[stored]
    if "Kamada-Kojima" in cert.get("stability_notion", ""):
        return "da_regions"
    return cert.get("mode", "")


def forwards(apps, schema_editor):
    ExchangeRound = apps.get_model("talent", "ExchangeRound")
    for rnd in ExchangeRound.objects.only("pk", "certificate", "effect").iterator():
        cert, effect = dict(rnd.certificate or {}), dict(rnd.effect or {})
        changed = False
        if cert and ("stability_notion" in cert or cert.get("mechanism") in MECHANISM_CODES):
            cert["mechanism"] = _mechanism(cert)
            cert.pop("stability_notion", None)
            changed = True
        if effect.get("note") == "no teacher statistics in the territory":
            effect["note"] = "no_teacher_statistics"
            changed = True
        counties = effect.get("counties") or []
        if any("name" in c for c in counties):
            effect["counties"] = [{k: v for k, v in c.items() if k != "name"} for c in counties]
            changed = True
        if changed:
            ExchangeRound.objects.filter(pk=rnd.pk).update(certificate=cert, effect=effect)


class Migration(migrations.Migration):
    dependencies = [
        ("talent", "0005_principal_county_managed"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
