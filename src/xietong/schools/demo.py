"""The demo region: real divisions, the three cooperation areas, synthetic schools and statistics,
and one demo user per role. Safe to run again: what exists is kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from xietong.accounts.models import Role, User
from xietong.accounts.services import role_grant, user_create
from xietong.regions.divisions import MEMBER_PROVINCES
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.regions.selectors import counties_valid_in
from xietong.regions.services import jurisdictions_load, standard_areas_ensure

from .models import School, SchoolStatistic
from .services import catalogue_sync, release_publish, schools_bulk_load

DEMO_PASSWORD = "xietong-demo"
DEMO_YEARS = (2020, 2021, 2022, 2023, 2024)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    scope: str


@dataclass(frozen=True)
class DemoSummary:
    jurisdictions: int
    areas: int
    schools: int
    values: int
    created_schools: bool
    users: tuple[DemoUser, ...]


def county_specs(year: int = DEMO_YEARS[-1]):
    """The county-level divisions of the seven members valid in ``year`` (the demo's latest
    year): schools are generated only where they can be registered today."""
    from .synthetic import CountySpec

    counties = counties_valid_in(year, MEMBER_PROVINCES).select_related("parent", "parent__parent")
    specs = []
    for c in counties.order_by("code"):
        lon, lat = c.longitude, c.latitude
        node = c.parent
        while (lon is None or lat is None) and node is not None:
            lon, lat = node.longitude, node.latitude
            node = node.parent
        if lon is None or lat is None:
            prov = Jurisdiction.objects.get(code=c.code[:2] + "0" * 10)
            lon, lat = prov.longitude, prov.latitude
        kind = (
            "district"
            if c.name_zh.endswith("区")
            else "county_city"
            if c.name_zh.endswith("市")
            else "county"
        )
        specs.append(
            CountySpec(
                code=c.code,
                name_zh=c.name_zh,
                province_code=c.code[:2] + "0" * 10,
                prefecture_code=c.parent_id,
                lon=lon,
                lat=lat,
                kind=kind,
            )
        )
    return specs


def _load_schools(*, seed: int, scale: float, years: tuple[int, ...], progress) -> tuple[int, int]:
    from .synthetic import generate

    region = generate(county_specs(max(years)), years, seed=seed, scale=scale)
    schools = [
        {
            "code": s.code,
            "name_zh": s.name_zh,
            "name_en": s.name_en,
            "stage": s.stage,
            "school_type": s.school_type,
            "county_code": s.county_code,
            "location": s.location,
            "ownership": s.ownership,
            "longitude": round(s.lon, 6),
            "latitude": round(s.lat, 6),
        }
        for s in region.schools
    ]
    loaded = schools_bulk_load(
        schools=schools,
        values=_region_values(region),
        actor=None,
        source="demo",
        synthetic=True,
        details={"seed": seed, "scale": scale},
        progress=progress,
    )
    return loaded.schools, loaded.values


def _region_values(region):
    """(school code, year, indicator, value) of every reported value (NaN = not reported)."""
    values = region.values
    for i, s in enumerate(region.schools):
        for yi, year in enumerate(region.years):
            for ki, ind in enumerate(region.indicators):
                v = values[i, yi, ki]
                if v == v:
                    yield (s.code, year, ind, Decimal(repr(round(float(v), 2))))


DEMO_USERS = [
    ("admin", "Administrator", None, None),
    ("yrd-secretariat", "长三角区域合作办公室", Role.SECRETARIAT, "area:yrd"),
    ("jjj-secretariat", "京津冀教育协同办公室", Role.SECRETARIAT, "area:jjj"),
    ("twl-secretariat", "通武廊联席会议办公室", Role.SECRETARIAT, "area:tongwulang"),
    # one bureau per member of each area: Yangtze River Delta, Beijing-Tianjin-Hebei and
    # Tongzhou-Wuqing-Langfang
    ("shanghai-bureau", "上海市教育委员会", Role.BUREAU, "j:310000000000"),
    ("jiangsu-bureau", "江苏省教育厅", Role.BUREAU, "j:320000000000"),
    ("zhejiang-bureau", "浙江省教育厅", Role.BUREAU, "j:330000000000"),
    ("anhui-bureau", "安徽省教育厅", Role.BUREAU, "j:340000000000"),
    ("beijing-bureau", "北京市教育委员会", Role.BUREAU, "j:110000000000"),
    ("tianjin-bureau", "天津市教育委员会", Role.BUREAU, "j:120000000000"),
    ("hebei-bureau", "河北省教育厅", Role.BUREAU, "j:130000000000"),
    ("tongzhou-bureau", "北京市通州区教委", Role.BUREAU, "j:110112000000"),
    ("wuqing-bureau", "天津市武清区教育局", Role.BUREAU, "j:120114000000"),
    ("langfang-bureau", "廊坊市教育局", Role.BUREAU, "j:131000000000"),
    ("school-admin", "学校管理员", Role.SCHOOL, "school:first:131000000000"),
    ("teacher", "教师", Role.TEACHER, "school:first:131000000000"),
    ("public", "公众", Role.PUBLIC, None),
]


def _ensure_users() -> tuple[DemoUser, ...]:
    out = []
    for username, display, role, target in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=DEMO_PASSWORD,
                display_name=display,
                is_superuser=role is None,
                actor=None,
            )
        scope_label = "all" if role is None else ""
        if role is not None:
            kwargs = {}
            if target and target.startswith("area:"):
                kwargs["area"] = CooperationArea.objects.get(slug=target[5:])
                scope_label = kwargs["area"].name_zh
            elif target and target.startswith("j:"):
                kwargs["jurisdiction"] = Jurisdiction.objects.get(code=target[2:])
                scope_label = kwargs["jurisdiction"].full_name_zh
            elif target and target.startswith("school:first:"):
                prefix = Jurisdiction.objects.get(code=target.split(":")[2]).prefix
                school = (
                    School.objects.filter(county__code__startswith=prefix, stage="primary")
                    .order_by("code")
                    .first()
                )
                if school is None:
                    continue
                kwargs["school"] = school
                scope_label = f"{school.name_zh} ({school.code})"
            else:
                scope_label = "—"
            role_grant(user=user, role=role, actor=None, **kwargs)
        out.append(DemoUser(username, role or "admin", scope_label))
    return tuple(out)


def demo_load(
    *,
    seed: int = 2024,
    scale: float = 0.25,
    years: tuple[int, ...] = DEMO_YEARS,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    catalogue_sync()
    jurisdictions_load()
    standard_areas_ensure()
    created = False
    n_values = 0
    if not School.objects.filter(is_synthetic=True).exists():
        _, n_values = _load_schools(seed=seed, scale=scale, years=years, progress=progress)
        created = True
    with transaction.atomic():
        present_years = sorted(
            set(SchoolStatistic.objects.values_list("year", flat=True).distinct())
        )
        for prefix in MEMBER_PROVINCES:
            j = Jurisdiction.objects.get(code=prefix + "0" * 10)
            for y in present_years:
                release_publish(jurisdiction=j, year=y, actor=None)
    with transaction.atomic():
        users = _ensure_users()
    return DemoSummary(
        jurisdictions=Jurisdiction.objects.count(),
        areas=CooperationArea.objects.count(),
        schools=School.objects.count(),
        values=n_values or SchoolStatistic.objects.count(),
        created_schools=created,
        users=users,
    )
