import pytest

from xietong.resources import licences


@pytest.mark.parametrize(
    "given, canonical",
    [
        ("CC-BY-4.0", "CC-BY-4.0"),
        ("cc-by-sa-4.0", "CC-BY-SA-4.0"),
        ("CC-BY-4.0 OR MIT", "CC-BY-4.0 OR MIT"),
        ("LicenseRef-yrd-schools-only", "LicenseRef-yrd-schools-only"),
        ("CC-BY-NC-4.0 AND LicenseRef-jjj-1", "CC-BY-NC-4.0 AND LicenseRef-jjj-1"),
    ],
)
def test_valid_expressions_are_normalised(given, canonical):
    assert licences.normalise(given) == canonical


@pytest.mark.parametrize("bad", ["", "   ", "CC-BY-5.0", "Creative Commons", "MIT OR", "x" * 301])
def test_invalid_expressions_are_refused(bad):
    with pytest.raises(ValueError):
        licences.normalise(bad)


def test_refusal_names_the_unknown_identifier():
    with pytest.raises(ValueError, match="CC-BY-5.0"):
        licences.normalise("CC-BY-5.0 OR MIT")


@pytest.mark.parametrize(
    "source, target, codes",
    [
        ("CC-BY-4.0", "CC-BY-NC-SA-4.0", []),
        ("CC0-1.0", "LicenseRef-mine", []),
        ("CC-BY-SA-4.0", "CC-BY-SA-4.0", []),
        ("CC-BY-SA-4.0", "CC-BY-4.0", ["share_alike:CC-BY-SA-4.0"]),
        ("CC-BY-ND-4.0", "CC-BY-ND-4.0", ["no_derivatives:CC-BY-ND-4.0"]),
        ("CC-BY-NC-4.0", "CC-BY-4.0", ["non_commercial:CC-BY-NC-4.0"]),
        ("CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", []),
        ("LicenseRef-yrd", "CC-BY-4.0", ["licence_ref:LicenseRef-yrd"]),
        ("LicenseRef-yrd", "LicenseRef-yrd AND CC-BY-4.0", []),
        # OR: the remixer picks the alternative that allows the remix
        ("CC-BY-ND-4.0 OR CC-BY-4.0", "MIT", []),
        # AND: every part binds
        ("CC-BY-4.0 AND CC-BY-SA-4.0", "CC-BY-4.0", ["share_alike:CC-BY-SA-4.0"]),
    ],
)
def test_remix_rules_worked_examples(source, target, codes):
    """CC 4.0 legal code: ND 2(a)(1)(B), SA 3(b)(1), NC 1(i) (see resources/licences.py)."""
    assert licences.remix_problems(source, target) == codes
