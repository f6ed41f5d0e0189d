"""Code-prefix filters are ranges an index serves ("32" <= code < "33"), with the same rows as
``startswith``."""

import pytest

from xietong.regions.models import Jurisdiction
from xietong.regions.selectors import prefix_q, prefixes_q


@pytest.mark.django_db
def test_prefix_ranges_select_what_startswith_selects(regions):
    codes = set(Jurisdiction.objects.values_list("code", flat=True))
    for prefix in ("32", "3201", "320102", "13", "1", "3", "99", "9", "320102000000"):
        got = set(
            Jurisdiction.objects.filter(prefix_q(prefix, "code")).values_list("code", flat=True)
        )
        assert got == {c for c in codes if c.startswith(prefix)}, prefix
    both = Jurisdiction.objects.filter(prefixes_q(["31", "3201"], "code"))
    assert {c for c in both.values_list("code", flat=True)} == {
        c for c in codes if c.startswith(("31", "3201"))
    }
    assert not Jurisdiction.objects.filter(prefixes_q([], "code")).exists()


def test_the_range_bounds():
    assert str(prefix_q("32", "code")) == "(AND: ('code__gte', '32'), ('code__lt', '33'))"
    assert str(prefix_q("3209", "code")) == "(AND: ('code__gte', '3209'), ('code__lt', '3210'))"
    assert str(prefix_q("99", "code")) == "(AND: ('code__gte', '99'))"  # nothing sorts above
    assert str(prefix_q("yrd", "slug")) == "(AND: ('slug__startswith', 'yrd'))"
