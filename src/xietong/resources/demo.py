"""The demo's shared teaching resources: a synthetic catalogue across the members' schools and a
year of use, so the library, search and the flows page show something real.

At ``scale`` 1 about 20,000 resources (``RESOURCES_AT_SCALE_1``), each a lesson design, a
courseware, a micro-lesson ... of a unit or lesson of the demo vocabulary (the editions a
province mostly uses: 沪教版 in Shanghai, 苏科版 in Jiangsu, 浙教版 in Zhejiang, 冀教版 in Hebei)
or a subject and grade's review or project material, titled in Chinese from the vocabulary's
names; about four in five are published, shared at the cooperation area's level or wider, and a
few are remixes of another member's resource. Then 2024's usage events (views, downloads,
imports, remixes, ratings), skewed towards popular resources, about half of them by schools of
another member of the same cooperation area.

Everything is synthetic (``is_synthetic``; links point to ``example.cn``). The rows are written
through the services' bulk paths as the operator (``services.resources_bulk_load``,
``usage.usage_bulk_load``: one audit entry each); the vocabulary, if none is current, through
``services.vocabulary_load``. Running it again keeps what is there.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path

from django.utils import timezone

from xietong.regions.models import CooperationArea
from xietong.schools.models import School

from . import licences, services, usage
from .models import (
    CrosswalkLink,
    Resource,
    Status,
    UsageEvent,
    UsageKind,
    Visibility,
    VocabularyNode,
    VocabularyRelease,
)

SEED_VOCABULARY = Path(__file__).parent / "data" / "vocabulary" / "cn-compulsory-2022-demo.json"
RESOURCES_AT_SCALE_1 = 20_000
EVENTS_PER_RESOURCE = 12  # on average, over the year
YEAR = 2024
# the edition a province's schools mostly use (the others still appear)
HOME_EDITION = {"31": "hujiao", "32": "suke", "33": "zhejiao", "13": "jijiao"}
VARIANTS = (
    "",
    "（第1课时）",
    "（第2课时）",
    "（市级公开课）",
    "（优质课）",
    "（集体备课）",
    "（改进版）",
)
TOPICS = (
    "单元复习",
    "期中复习",
    "期末复习",
    "大单元教学设计",
    "跨学科主题学习",
    "分层作业设计",
    "项目式学习",
    "实验探究",
    "阅读指导",
    "学业质量评价",
)
AUTHORS = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
LICENCES = ("CC-BY-4.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0")
VISIBILITY = (
    (Visibility.AREA, 45),
    (Visibility.PUBLIC, 20),
    (Visibility.PROVINCE, 15),
    (Visibility.COUNTY, 8),
    (Visibility.SCHOOL, 7),
    (Visibility.PRIVATE, 5),
)
NOT_IN = {
    "primary": ("physics", "chemistry", "history", "geography", "biology"),
    "junior": ("science",),
    "senior": ("science", "labour"),
}
GRADE_FROM = {"physics": 8, "chemistry": 9}  # the first grade a subject is taught in
KIND_WEIGHTS = {"view": 70, "download": 18, "import": 7, "rating": 4}


def _vocabulary() -> None:
    if not VocabularyRelease.objects.filter(is_current=True).exists():
        services.vocabulary_load(
            data=SEED_VOCABULARY.read_bytes(), name=SEED_VOCABULARY.name, actor=None
        )


class _Vocab:
    """The current release, by scheme, with each unit's and lesson's chain above it."""

    def __init__(self):
        nodes = list(VocabularyNode.objects.filter(release__is_current=True))
        self.by_pk = {n.pk: n for n in nodes}
        self.scheme = {}
        for n in nodes:
            self.scheme.setdefault(n.scheme, []).append(n)
        self.code = {(n.scheme, n.code): n for n in nodes}
        links = CrosswalkLink.objects.filter(release__is_current=True)
        self.standards: dict[int, list[VocabularyNode]] = {}
        for chapter_id, item_id in links.values_list("chapter_id", "item_id"):
            self.standards.setdefault(chapter_id, []).append(self.by_pk[item_id])
        self.chapters = [*self.scheme.get("unit", []), *self.scheme.get("lesson", [])]
        self.chains = {c.pk: self.chain(c) for c in self.chapters}
        self.by_edition: dict[str, list[VocabularyNode]] = {}
        for c in self.chapters:
            self.by_edition.setdefault(self.chains[c.pk]["edition"].code, []).append(c)
        self.subjects = {  # the subjects a grade's stage teaches
            stage.code: [
                s for s in self.scheme["subject"] if s.code not in NOT_IN.get(stage.code, ())
            ]
            for stage in self.scheme["stage"]
        }

    def chain(self, chapter: VocabularyNode) -> dict:
        """lesson -> unit -> volume -> edition, the volume's subject and grade and its stage."""
        out = {chapter.scheme: chapter}
        node = chapter
        while node.parent_id is not None:
            node = self.by_pk[node.parent_id]
            out[node.scheme] = node
        volume = out.get("volume")
        if volume is not None:
            out["subject"] = self.by_pk.get(volume.subject_id)
            out["grade"] = self.by_pk.get(volume.grade_id)
        if out.get("grade") is not None:
            out["stage"] = self.by_pk[out["grade"].parent_id]
        return out


def _member_groups() -> dict[str, list[str]]:
    """Province prefix -> the other provinces of its cooperation areas (the flows' partners)."""
    partners: dict[str, set[str]] = {}
    for area in CooperationArea.objects.prefetch_related("members"):
        provinces = {m.code[:2] for m in area.members.all()}
        for p in provinces:
            partners.setdefault(p, set()).update(provinces - {p})
    return {p: sorted(v) for p, v in partners.items()}


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _title(rng: random.Random, v: _Vocab, chain: dict, kind: VocabularyNode) -> str:
    book = f"{chain['subject'].name_zh}{chain['volume'].name_zh}"
    if chain.get("lesson") is not None:
        return f"{book}《{chain['lesson'].name_zh}》{kind.name_zh}{rng.choice(VARIANTS)}"
    return f"{book}·{chain['unit'].name_zh}·{kind.name_zh}{rng.choice(VARIANTS)}"


def _resource(rng, v: _Vocab, school: School, when: dt.datetime) -> tuple[Resource, list]:
    kind = rng.choice(v.scheme["kind"])
    home = HOME_EDITION.get(school.county_id[:2])
    chapters = v.by_edition.get(home, []) if home else []
    fields: dict = {"kind": kind}
    standards: list = []
    if rng.random() < 0.7:
        pool = chapters if chapters and rng.random() < 0.7 else v.chapters
        chapter = rng.choice(pool)
        chain = v.chains[chapter.pk]
        fields.update(
            {k: chain.get(k) for k in ("stage", "grade", "subject", "edition", "volume", "unit")}
        )
        fields["lesson"] = chain.get("lesson")
        title = _title(rng, v, chain, kind)
        standards = list(v.standards.get(chapter.pk, ()))
    else:
        grade = rng.choice(v.scheme["grade"])
        stage = v.by_pk[grade.parent_id]
        subject = rng.choice(
            [s for s in v.subjects[stage.code] if GRADE_FROM.get(s.code, 0) <= int(grade.code[1:])]
        )
        fields.update(stage=stage, grade=grade, subject=subject)
        title = f"{grade.name_zh}{subject.name_zh}{rng.choice(TOPICS)}{kind.name_zh}"
    published = rng.random() < 0.8
    pk = uuid.UUID(int=rng.getrandbits(128), version=4)
    r = Resource(
        pk=pk,
        title_zh=title,
        description_zh=f"{school.name_zh}教研组提供的{kind.name_zh}（演示数据）。",
        licence=rng.choice(LICENCES),
        author_name=f"{rng.choice(AUTHORS)}老师",
        owner_school=school,
        owner_code=school.county_id,
        visibility=_weighted(rng, VISIBILITY),
        status=Status.PUBLISHED if published else Status.DRAFT,
        published_version=1 if published else None,
        published_at=when if published else None,
        external_url=f"https://resources.example.cn/demo/{pk}",
        is_synthetic=True,
        **fields,
    )
    return r, standards


def _catalogue(rng, v: _Vocab, schools: list[School], n: int, partners) -> list[Resource]:
    start = timezone.make_aware(dt.datetime(YEAR - 1, 9, 1))
    out, standards = [], {}
    for _i in range(n):
        school = rng.choice(schools)
        when = start + dt.timedelta(minutes=rng.randrange(120 * 24 * 60))
        r, items = _resource(rng, v, school, when)
        out.append(r)
        standards[r.pk] = items
    _remixes(rng, out, partners)
    services.resources_bulk_load(actor=None, resources=out, standards=standards)
    return out


def _remixes(rng, resources: list[Resource], partners) -> None:
    """About one in thirty builds on a published, shared resource of another member."""
    shared = [
        r
        for r in resources
        if r.status == Status.PUBLISHED and r.visibility in (Visibility.AREA, Visibility.PUBLIC)
    ]
    if not shared:
        return
    for r in resources[: len(resources) // 30]:
        mine = r.owner_code[:2]
        sources = [s for s in rng.sample(shared, min(20, len(shared))) if s.owner_code[:2] != mine]
        if sources and r is not sources[0]:
            source = sources[0]
            r.is_based_on = source
            r.title_zh = f"{source.title_zh.split('（')[0]}（改编）"
            if licences.remix_problems(source.licence, r.licence):
                r.licence = source.licence  # the source's own terms always allow the remix


def _consumer(rng, owner: Resource, by_province, partners) -> School:
    """Half the use is by another member of the owner's areas, the rest at home."""
    home = owner.owner_code[:2]
    others = [p for p in partners.get(home, []) if by_province.get(p)]
    if others and owner.visibility in (Visibility.AREA, Visibility.PUBLIC) and rng.random() < 0.5:
        return rng.choice(by_province[rng.choice(others)])
    return rng.choice(by_province.get(home) or [owner.owner_school])


def _events(rng, resources: list[Resource], schools, partners) -> list[UsageEvent]:
    by_province: dict[str, list[School]] = {}
    for s in schools:
        by_province.setdefault(s.county_id[:2], []).append(s)
    library = [r for r in resources if r.status == Status.PUBLISHED]
    if not library:
        return []
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(library))]  # a few popular ones
    n = int(len(library) * EVENTS_PER_RESOURCE)
    picked = rng.choices(library, weights=weights, k=n)
    start = timezone.make_aware(dt.datetime(YEAR, 1, 1, 8))
    out = []
    for r in picked:
        kind = _weighted(rng, KIND_WEIGHTS.items())
        at = start + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
        out.append(_event(r, kind, _consumer(rng, r, by_province, partners), at, rng))
    out += [
        _event(r.is_based_on, UsageKind.REMIX, r.owner_school, r.published_at or start, rng)
        for r in resources
        if r.is_based_on is not None
    ]
    return out


def _event(r: Resource, kind: str, school: School, at: dt.datetime, rng) -> UsageEvent:
    return UsageEvent(
        kind=kind,
        resource=r,
        value=_weighted(rng, ((5, 5), (4, 4), (3, 2), (2, 1))) if kind == "rating" else None,
        source_province=r.owner_code[:2],
        source_county=r.owner_code[:6],
        consumer_province=school.county_id[:2],
        consumer_county=school.county_id[:6],
        consumer_school=school,
        day=at.date(),
        period=at.strftime("%Y-%m"),
        at=at,
    )


def resources_demo_load(*, scale: float = 0.25, seed: int = 2024) -> dict:
    """Load the synthetic catalogue and its year of use (see the module); idempotent."""
    _vocabulary()
    if Resource.objects.filter(is_synthetic=True).exists():
        return {
            "resources": Resource.objects.filter(is_synthetic=True).count(),
            "usage_events": UsageEvent.objects.filter(resource__is_synthetic=True).count(),
            "kept": True,
        }
    rng = random.Random(seed)
    schools = list(
        School.objects.filter(is_synthetic=True, is_open=True)
        .only("pk", "code", "county_id", "name_zh")
        .order_by("code")
    )
    if not schools:
        return {"resources": 0, "usage_events": 0}
    partners = _member_groups()
    n = max(50, round(RESOURCES_AT_SCALE_1 * scale))
    resources = _catalogue(rng, _Vocab(), schools, n, partners)
    events = _events(rng, resources, schools, partners)
    usage.usage_bulk_load(actor=None, events=events)
    return {
        "resources": len(resources),
        "published": sum(1 for r in resources if r.status == Status.PUBLISHED),
        "usage_events": len(events),
    }
