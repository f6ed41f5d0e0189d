"""Writes on schools and their statistics: atomic, scope-checked, audited."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import pgettext

from xietong.accounts.scope import Scope, scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.regions.models import Jurisdiction
from xietong.tabular.i18n import gettext as _  # problems keep their code (msgid)

from .catalogue import CATALOGUE
from .models import Indicator, School, SchoolStatistic, StatisticsRelease
from .tabular import ImportFailed, Problem, parse_statistics, read_table

SCHOOL_FIELDS = (
    "name_zh",
    "name_en",
    "stage",
    "school_type",
    "location",
    "ownership",
    "longitude",
    "latitude",
    "is_open",
)


def catalogue_sync() -> int:
    """Make the Indicator table match the catalogue definitions (idempotent)."""
    n = 0
    for pos, d in enumerate(CATALOGUE):
        Indicator.objects.update_or_create(
            code=d.code,
            defaults={
                "kind": d.kind,
                "name_zh": d.name_zh,
                "name_en": d.name_en,
                "unit_zh": d.unit_zh,
                "unit_en": d.unit_en,
                "definition_zh": d.definition_zh,
                "definition_en": d.definition_en,
                "numerator_id": d.numerator,
                "denominator_id": d.denominator,
                "scale": d.scale,
                "integral": d.integral,
                "position": pos,
            },
        )
        n += 1
    return n


def _school_snapshot(s: School) -> dict:
    return {"code": s.code, "county": s.county_id, **{f: getattr(s, f) for f in SCHOOL_FIELDS}}


def _check_school_fields(fields: dict, school: School | None = None) -> None:
    from .models import SCHOOL_TYPE_STAGE, Location, Ownership, SchoolType, Stage

    kind = fields.get("school_type", school.school_type if school is not None else "")
    if kind and kind not in SchoolType.values:
        raise ValueError(
            _("Unknown school type %(v)s; use a 办学类型 code such as 211, 218, 311 or 312.")
            % {"v": kind}
        )
    if "stage" in fields and fields["stage"] not in Stage.values:
        raise ValueError(_("Unknown stage %(v)s.") % {"v": fields["stage"]})
    if kind:
        stage = fields.get("stage") or (school.stage if school is not None else None)
        expected = SCHOOL_TYPE_STAGE[kind]
        if stage and stage != expected:
            raise ValueError(
                _("School type %(t)s is a %(expected)s school, not %(stage)s.")
                % {
                    "t": kind,
                    "expected": Stage(expected).label,
                    "stage": Stage(stage).label if stage in Stage.values else stage,
                }
            )
    if "location" in fields and fields["location"] not in Location.values:
        raise ValueError(_("Unknown location %(v)s.") % {"v": fields["location"]})
    if "ownership" in fields and fields["ownership"] not in Ownership.values:
        raise ValueError(_("Unknown ownership %(v)s.") % {"v": fields["ownership"]})
    lon, lat = fields.get("longitude"), fields.get("latitude")
    if lon is not None and not -180 <= float(lon) <= 180:
        raise ValueError(_("Longitude must be between -180 and 180."))
    if lat is not None and not -90 <= float(lat) <= 90:
        raise ValueError(_("Latitude must be between -90 and 90."))


@transaction.atomic
def school_create(
    *,
    code: str,
    county_code: str,
    name_zh: str,
    stage: str = "",
    location: str,
    ownership: str = "public",
    school_type: str = "",
    name_en: str = "",
    longitude: float | None = None,
    latitude: float | None = None,
    actor,
) -> School:
    scope = scope_for(actor)
    county = _county_in_force(county_code)
    scope.require(scope.acts_for(county.code), _("add schools in %(c)s") % {"c": county.code})
    code = code.strip()
    if not re.fullmatch(r"[0-9A-Za-z-]{1,20}", code):
        raise ValueError(_("A school code is 1 to 20 letters, digits or hyphens."))
    if School.objects.filter(code=code).exists():
        raise ValueError(_("School code %(code)s is empty or already used.") % {"code": code})
    if not stage and school_type:
        from .models import SCHOOL_TYPE_STAGE

        stage = SCHOOL_TYPE_STAGE.get(school_type, "")
    fields = dict(
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        stage=stage,
        school_type=school_type,
        location=location,
        ownership=ownership,
        longitude=longitude,
        latitude=latitude,
        is_open=True,
    )
    _check_school_fields(fields)
    if not fields["name_zh"]:
        raise ValueError(_("A school needs a Chinese name."))
    school = School.objects.create(code=code, county=county, **fields)
    audit_record(
        actor=actor,
        action=AuditAction.SCHOOL_CREATE,
        obj=school,
        after=_school_snapshot(school),
    )
    return school


@transaction.atomic
def school_update(*, school: School, actor, **changes) -> School:
    scope = scope_for(actor)
    scope.require(scope.acts_for(school.county_id), _("change school %(c)s") % {"c": school.code})
    unknown = set(changes) - set(SCHOOL_FIELDS)
    if unknown:
        raise ValueError(
            _("Fields that cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    _check_school_fields(changes, school)
    school = School.objects.select_for_update().get(pk=school.pk)
    before = _school_snapshot(school)
    for k, v in changes.items():
        setattr(school, k, v)
    school.save()
    audit_record(
        actor=actor,
        action=AuditAction.SCHOOL_UPDATE,
        obj=school,
        before=before,
        after=_school_snapshot(school),
    )
    return school


def _county_in_force(county_code: str) -> Jurisdiction:
    """The county a school may be registered in: county-level and not ended."""
    county = Jurisdiction.objects.filter(
        code=county_code, level="county", is_placeholder=False
    ).first()
    if county is None:
        raise ValueError(_("No county with code %(code)s.") % {"code": county_code})
    if county.valid_until is not None:
        from xietong.regions.selectors import successors

        raise ValueError(
            _(
                "%(name)s (%(code)s) was abolished after %(year)s; its territory now belongs to "
                "%(successors)s."
            )
            % {
                "name": county.display_name,
                "code": county.code,
                "year": county.valid_until,
                "successors": pgettext("list separator", ", ").join(
                    _("%(name)s (%(code)s)") % {"name": j.display_name, "code": j.code}
                    for j in successors(county.code)
                ),
            }
        )
    return county


@transaction.atomic
def schools_move_county(
    *,
    schools: Iterable[School],
    county_code: str,
    actor,
    reason: str = "",
    effective_year: int | None = None,
) -> list[School]:
    """Register schools in another county (a division change, a corrected registration).

    With ``effective_year`` the move happens in that statistics year: the school's statistics
    of earlier years stay with the county it leaves (``SchoolCountyHistory``). Without it the
    move corrects the registration and all its years follow.

    Each move is audited with the school before and after; the county totals of the counties
    left and of the new one are recomputed in the same transaction, so the aggregates read from
    CountyStatistic stay in step with the school values. A school already there is left alone.
    """
    scope = scope_for(actor)
    county = _county_in_force(county_code)
    scope.require(scope.acts_for(county.code), _("move schools to %(c)s") % {"c": county.code})
    ids = [s.pk for s in schools]
    locked = list(School.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    moved = []
    for school in locked:
        scope.require(
            scope.acts_for(school.county_id), _("change school %(c)s") % {"c": school.code}
        )
        if school.county_id == county.code:
            continue
        before = _school_snapshot(school)
        history = _history_close(school, effective_year)
        school.county = county
        school.save(update_fields=["county"])
        audit_record(
            actor=actor,
            action=AuditAction.SCHOOL_MOVE,
            obj=school,
            before=before,
            after={
                **_school_snapshot(school),
                "reason": reason,
                "effective_year": effective_year,
                "history": history,
            },
        )
        moved.append((before["county"], school))
    if moved:
        county_totals_refresh(county_codes=sorted({old for old, _s in moved} | {county.code}))
    return [school for _old, school in moved]


@dataclass(frozen=True)
class BulkLoad:
    """What :func:`schools_bulk_load` wrote."""

    schools: int
    values: int


@transaction.atomic
def schools_bulk_load(
    *,
    schools: list[dict],
    values: Iterable[tuple[str, int, str, Decimal]],
    actor,
    source: str,
    synthetic: bool = False,
    details: dict | None = None,
    progress: Callable[[int], None] | None = None,
) -> BulkLoad:
    """Register many new schools and write their statistics in one go (the demo's synthetic
    region), with one audit entry for the whole load, as an import has one per file.

    ``schools`` are the fields of :func:`school_create` (``code``, ``county_code``, names, stage,
    school type, location, ownership, coordinates); ``values`` are ``(school code, year,
    indicator, value)``. Every county must be in force and in the caller's scope, and no code may
    be taken; otherwise nothing is written.
    """
    scope = scope_for(actor)
    counties = sorted({row["county_code"] for row in schools})
    for code in counties:
        county = _county_in_force(code)
        scope.require(scope.acts_for(county.code), _("add schools in %(c)s") % {"c": county.code})
    for row in schools:
        fields = {k: row[k] for k in SCHOOL_FIELDS if k in row}
        try:
            _check_school_fields(fields)
        except ValueError as exc:
            raise ValueError(
                _("School %(code)s: %(problem)s") % {"code": row["code"], "problem": exc}
            ) from None
    codes = [row["code"] for row in schools]
    taken = set(_ids_of(codes))
    if taken or len(set(codes)) != len(codes):
        dup = sorted(taken) or sorted(c for c in set(codes) if codes.count(c) > 1)
        raise ValueError(_("School code %(code)s is empty or already used.") % {"code": dup[0]})
    School.objects.bulk_create(
        [
            School(
                code=row["code"],
                county_id=row["county_code"],
                is_open=True,
                is_synthetic=synthetic,
                **{k: row.get(k, "") for k in ("name_zh", "name_en", "stage", "school_type")},
                location=row["location"],
                ownership=row.get("ownership", "public"),
                longitude=row.get("longitude"),
                latitude=row.get("latitude"),
            )
            for row in schools
        ],
        batch_size=2000,
    )
    ids = _ids_of(codes)
    rows = [(ids[code], year, ind, value) for code, year, ind, value in values]
    _upsert(rows, progress)
    years = sorted({r[1] for r in rows})
    county_totals_refresh(county_codes=counties, years=years)
    audit_record(
        actor=actor,
        action=AuditAction.SCHOOLS_BULK_LOAD,
        object_type=ObjectType.SCHOOLS,
        object_id=source[:100],
        after={
            "source": source,
            "schools": len(codes),
            "counties": len(counties),
            "values": len(rows),
            "years": years,
            **(details or {}),
        },
    )
    return BulkLoad(schools=len(codes), values=len(rows))


def _ids_of(codes: list[str]) -> dict[str, int]:
    """Code -> id of the schools that exist among ``codes``."""
    ids: dict[str, int] = {}
    for i in range(0, len(codes), 5000):
        ids.update(School.objects.filter(code__in=codes[i : i + 5000]).values_list("code", "id"))
    return ids


def _history_close(school: School, effective_year: int | None) -> list | None:
    """Keep the county a school leaves for the statistics years before ``effective_year``;
    returns the kept period [county, from, until] (None when nothing is kept)."""
    from .models import SchoolCountyHistory

    if effective_year is None:
        return None
    year = int(effective_year)
    if not 1949 <= year <= 2100:
        raise ValueError(
            _("year %(y)s is outside %(lo)d-%(hi)d") % {"y": year, "lo": 1949, "hi": 2100}
        )
    last = SchoolCountyHistory.objects.filter(school=school).order_by("-until_year").first()
    start = None if last is None else last.until_year + 1
    if start is not None and start > year - 1:
        if start > year:
            raise ValueError(
                _("School %(school)s already moved in %(year)s; a move cannot take effect earlier.")
                % {"school": school.code, "year": last.until_year + 1}
            )
        return None  # moved twice in one year: the in-between county held no year
    SchoolCountyHistory.objects.create(
        school=school, county_id=school.county_id, from_year=start, until_year=year - 1
    )
    return [school.county_id, start, year - 1]


@dataclass(frozen=True)
class ImportResult:
    file: str
    sha256: str
    values: int
    rows: int
    schools: int
    years: tuple[int, ...]
    created: int
    updated: int
    encoding: str | None = None  # how a CSV file's text was read ("UTF-8", "GB18030", ...)


def _upsert(
    values: list[tuple[int, int, str, Decimal]], progress: Callable[[int], None] | None
) -> None:
    """Insert or update (school_id, year, indicator, value) rows inside the caller's transaction.

    PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT per batch.
    SQLite: executemany of the same upsert statement.
    """
    table = SchoolStatistic._meta.db_table
    batch = 50000
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS xietong_stat_load "
                "(school_id bigint, year smallint, indicator_id varchar(60), value numeric(18,2)) "
                "ON COMMIT DROP"
            )
            raw = cur.cursor
            for start in range(0, len(values), batch):
                chunk = values[start : start + batch]
                cur.execute("TRUNCATE xietong_stat_load")
                with raw.copy(
                    "COPY xietong_stat_load (school_id, year, indicator_id, value) FROM STDIN"
                ) as copy:
                    for row in chunk:
                        copy.write_row(row)
                cur.execute(
                    f"INSERT INTO {table} (school_id, year, indicator_id, value) "
                    "SELECT school_id, year, indicator_id, value FROM xietong_stat_load "
                    "ON CONFLICT (school_id, year, indicator_id) DO UPDATE SET value = EXCLUDED.value"
                )
                if progress is not None:
                    progress(len(chunk))
        return
    sql = (
        f"INSERT INTO {table} (school_id, year, indicator_id, value) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (school_id, year, indicator_id) DO UPDATE SET value = EXCLUDED.value"
    )
    with connection.cursor() as cur:
        for start in range(0, len(values), batch):
            chunk = values[start : start + batch]
            cur.executemany(sql, [(s, y, i, str(v)) for s, y, i, v in chunk])
            if progress is not None:
                progress(len(chunk))


def county_totals_refresh(
    *, county_codes: list[str] | None = None, years: list[int] | None = None
) -> int:
    """Recompute CountyStatistic for the given counties and years (all when None). Runs inside
    the caller's transaction, right after the school values changed."""
    from django.db.models import Count, Sum

    from .models import CountyStatistic

    stale = CountyStatistic.objects.all()
    source = SchoolStatistic.objects.all()
    if county_codes is not None:
        stale = stale.filter(county_id__in=county_codes)
        source = source.filter(school__county__code__in=county_codes)
    if years is not None:
        stale = stale.filter(year__in=years)
        source = source.filter(year__in=years)
    stale.delete()
    totals = {
        (r["school__county"], r["year"], r["indicator_id"]): [r["total"], r["n"]]
        for r in source.values("school__county", "year", "indicator_id").annotate(
            total=Sum("value"), n=Count("school_id")
        )
    }
    _history_shift(totals, county_codes=county_codes, years=years)
    rows = [
        CountyStatistic(county_id=c, year=y, indicator_id=i, total=t, schools=n)
        for (c, y, i), (t, n) in totals.items()
        if n > 0 and (county_codes is None or c in county_codes)
    ]
    CountyStatistic.objects.bulk_create(rows, batch_size=5000)
    statistics_changed()
    return len(rows)


def statistics_changed(**_signal) -> None:
    """A new ``StatisticsVersion`` token, in the caller's transaction: what the pages cached from
    the statistics is recomputed on the next request (``selectors.statistics_cached``). Called
    by ``county_totals_refresh`` and, as a signal receiver, on every saved or deleted school
    and release (``apps.SchoolsConfig.ready``)."""
    import uuid

    from .models import StatisticsVersion

    token = uuid.uuid4().hex
    if not StatisticsVersion.objects.filter(pk=1).update(token=token, changed_at=timezone.now()):
        StatisticsVersion.objects.update_or_create(pk=1, defaults={"token": token})


def _history_shift(
    totals: dict, *, county_codes: list[str] | None, years: list[int] | None
) -> None:
    """Move the values of years a school spent in another county (``SchoolCountyHistory``) from
    its current county's totals to that county's, in place."""
    from .models import SchoolCountyHistory

    history = SchoolCountyHistory.objects.all()
    if county_codes is not None:
        history = history.filter(
            Q(county_id__in=county_codes) | Q(school__county_id__in=county_codes)
        )
    periods: dict[int, list[tuple[str, int | None, int]]] = {}
    current: dict[int, str] = {}
    for school_id, county, lo, hi, now in history.values_list(
        "school_id", "county_id", "from_year", "until_year", "school__county_id"
    ):
        periods.setdefault(school_id, []).append((county, lo, hi))
        current[school_id] = now
    if not periods:
        return
    stats = SchoolStatistic.objects.filter(school_id__in=list(periods))
    if years is not None:
        stats = stats.filter(year__in=years)
    for school_id, year, ind, value in stats.values_list(
        "school_id", "year", "indicator_id", "value"
    ).iterator(chunk_size=20000):
        past = next(
            (c for c, lo, hi in periods[school_id] if (lo is None or lo <= year) and year <= hi),
            None,
        )
        if past is None:
            continue
        now = totals.get((current[school_id], year, ind))
        if now is not None:
            now[0] -= value
            now[1] -= 1
        cell = totals.setdefault((past, year, ind), [0, 0])
        cell[0] += value
        cell[1] += 1


def statistics_write(
    *,
    values: list[tuple[int, int, str, Decimal]],
    actor,
    source: str,
    sha256: str = "",
    progress: Callable[[int], None] | None = None,
    scope: Scope | None = None,
) -> tuple[int, int]:
    """Upsert (school_id, year, indicator, value) rows; returns (created, updated).
    Must be called inside a transaction; the caller has checked the scope of every school."""
    school_ids = sorted({v[0] for v in values})
    years = sorted({v[1] for v in values})

    def _count() -> int:
        total = 0
        for i in range(0, len(school_ids), 5000):
            total += SchoolStatistic.objects.filter(
                school_id__in=school_ids[i : i + 5000], year__in=years
            ).count()
        return total

    before = _count()
    _upsert(values, progress)
    counties = sorted(
        set(School.objects.filter(pk__in=school_ids).values_list("county_id", flat=True))
        if len(school_ids) < 20000
        else set(School.objects.values_list("county_id", flat=True))
    )
    county_totals_refresh(county_codes=counties, years=years)
    after = _count()
    created = after - before
    updated = len(values) - created
    audit_record(
        actor=actor,
        action=AuditAction.STATISTICS_IMPORT,
        object_type=ObjectType.STATISTICS,
        object_id=source[:100],
        after={
            "file": source,
            "sha256": sha256,
            "values": len(values),
            "schools": len(school_ids),
            "years": years,
            "created": created,
            "updated": updated,
        },
    )
    return created, updated


def statistics_import(
    *,
    data: bytes,
    filename: str,
    actor,
    progress: Callable[[int], None] | None = None,
    parse_progress: Callable[[int], None] | None = None,
    scope: Scope | None = None,
) -> ImportResult:
    """Validate a whole CSV/XLSX file, then write all of it in one transaction or nothing."""
    scope = scope or scope_for(actor)
    if scope.is_public:
        raise ImportFailed(
            [Problem(filename, 0, "", _("you have no role that may write statistics"))]
        )
    table = read_table(data, filename)
    known = {s.code: s for s in School.objects.only("id", "code", "county_id")}
    parsed = parse_statistics(
        table,
        filename,
        known_schools=known,
        may_write=scope.acts_for_school,
        progress=parse_progress,
    )
    digest = hashlib.sha256(data).hexdigest()
    rows = [(known[p.school_code].pk, p.year, p.indicator, p.value) for p in parsed]
    with transaction.atomic():
        created, updated = statistics_write(
            values=rows, actor=actor, source=filename, sha256=digest, progress=progress
        )
    return ImportResult(
        file=filename,
        sha256=digest,
        values=len(rows),
        rows=len({p.row for p in parsed}),
        schools=len({p.school_code for p in parsed}),
        years=tuple(sorted({p.year for p in parsed})),
        created=created,
        updated=updated,
        encoding=table.encoding,
    )


@transaction.atomic
def statistics_set(
    *, school: School, year: int, values: dict[str, Decimal | float | int], actor
) -> tuple[int, int]:
    """Write some raw values of one school-year (the API's single-record path)."""
    scope = scope_for(actor)
    scope.require(
        scope.acts_for_school(school), _("write statistics of %(c)s") % {"c": school.code}
    )
    from .tabular import write_csv

    data = write_csv(
        [[school.code, year, *values.values()]], ["school_code", "year", *values.keys()]
    )
    parsed = parse_statistics(data, "api", known_schools={school.code: school})
    rows = [(school.pk, p.year, p.indicator, p.value) for p in parsed]
    return statistics_write(values=rows, actor=actor, source=f"api:{school.code}:{year}")


@transaction.atomic
def release_publish(*, jurisdiction: Jurisdiction, year: int, actor) -> StatisticsRelease:
    """Let the public see the year's aggregates of this jurisdiction (never school rows)."""
    if not 1949 <= int(year) <= 2100:
        raise ValueError(
            _("year %(y)s is outside %(lo)d-%(hi)d") % {"y": year, "lo": 1949, "hi": 2100}
        )
    scope = scope_for(actor)
    scope.require(
        scope.acts_for(jurisdiction.code),
        _("publish statistics of %(c)s") % {"c": jurisdiction.code},
    )
    release, created = StatisticsRelease.objects.get_or_create(
        jurisdiction=jurisdiction,
        year=year,
        defaults={"published_at": timezone.now(), "published_by_id": getattr(actor, "pk", None)},
    )
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.STATISTICS_PUBLISH,
            obj=release,
            after={"jurisdiction": jurisdiction.code, "year": year},
        )
    return release
