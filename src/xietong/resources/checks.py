"""The machine checks run on every submission, before a person reviews it.

The Ministry of Education's 2024 specifications for digital education resources on the national
platform (《国家智慧教育平台数字教育资源内容审核规范》 and 《…入库出库规范》, both 2024) ask that
a resource submitted for the library carry its rights (licence) and pass technical checks before
the content review by the responsible department. Xietong checks automatically:

* ``licence_missing`` / ``licence_invalid``: a licence is present and a valid SPDX expression;
* ``content_missing``: a file or an external link;
* ``file_type`` / ``file_size``: the stored file is of an accepted type (read from its content)
  and within ``XIETONG_RESOURCE_MAX_BYTES`` (the setting may have been lowered since upload);
* ``sensitive_word:<word>``: no word of the sensitive-word list in the title, description or
  author (the list is data: ``XIETONG_RESOURCES_SENSITIVE_WORDS`` names the file, one word a line,
  by default ``resources/data/sensitive_words.txt``).

What the checks cannot judge (accuracy, ideology, fitness for the curriculum) is left to the
human review by the owning bureau.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from . import licences, storage

DEFAULT_WORDS = Path(__file__).parent / "data" / "sensitive_words.txt"


def words_file() -> Path:
    return Path(getattr(settings, "XIETONG_RESOURCES_SENSITIVE_WORDS", "") or DEFAULT_WORDS)


@lru_cache(maxsize=8)
def _words(path: str, mtime: float) -> tuple[str, ...]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            out.append(_fold(word))
    return tuple(out)


def sensitive_words() -> tuple[str, ...]:
    path = words_file()
    return _words(str(path), path.stat().st_mtime)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def run(resource) -> list[str]:
    """Problem codes of ``resource`` as it stands (empty: it passes)."""
    codes: list[str] = []
    if not resource.licence:
        codes.append("licence_missing")
    else:
        try:
            licences.normalise(resource.licence)
        except ValueError:
            codes.append("licence_invalid")
    if resource.file_id is None and not resource.external_url:
        codes.append("content_missing")
    if resource.file_id is not None:
        if resource.file.mime_type not in storage.ALLOWED_TYPES:
            codes.append("file_type")
        if resource.file.size > storage.max_bytes():
            codes.append("file_size")
    text = _fold(
        " ".join(
            [
                resource.title_zh,
                resource.title_en,
                resource.description_zh,
                resource.description_en,
                resource.author_name,
            ]
        )
    )
    codes += [f"sensitive_word:{w}" for w in sensitive_words() if w in text]
    return codes


def problem_text(code: str) -> str:
    """A check's code in the reader's language."""
    rule, _sep, arg = code.partition(":")
    texts = {
        "licence_missing": _("No licence is given."),
        "licence_invalid": _("The licence is not a valid SPDX expression."),
        "content_missing": _("There is neither a file nor an external link."),
        "file_type": _("The file's type is not accepted."),
        "file_size": _("The file is larger than the platform accepts."),
        "sensitive_word": _("The text contains “%(w)s”, a word of the sensitive-word list."),
    }
    return texts.get(rule, code) % {"w": arg} if rule in texts else code
