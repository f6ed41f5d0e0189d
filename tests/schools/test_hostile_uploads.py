"""Hostile files sent to the import endpoints: each gets a clear 4xx within seconds, naming the
file, row and column, and the server's memory is back near where it was."""

from __future__ import annotations

import gc
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xietong.accounts.services import token_create
from xietong.schools.models import SchoolStatistic
from xietong.schools.services import statistics_import
from xietong.tabular import ImportFailed, UploadTooLarge

from . import hostile_files as hf

MB = 1024 * 1024
HEADER = ["school_code", "year", "students"]


pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def api(world):
    user = world["users"]["langfang"]
    _t, secret = token_create(user=user, name="t", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def code(world):
    return world["schools"]["A"].code


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _post(client, name: str, data: bytes, url: str = "/api/statistics/import"):
    """(response, seconds, resident MB gained once the request is over)."""
    gc.collect()
    before = _rss_mb()
    t = time.monotonic()
    r = client.post(url, {"file": SimpleUploadedFile(name, data)})
    seconds = time.monotonic() - t
    gc.collect()
    return r, seconds, _rss_mb() - before


def _where(r) -> set[tuple[str, int, str]]:
    return {(p["file"], p["row"], p["column"]) for p in r.json()["problems"]}


def test_dimension_lie_is_read_at_its_real_size(api, code):
    data = hf.dimension_lie([HEADER, [code, 2023, 480]])
    assert len(data) < 2000  # a 1.6 KB file that used to keep a core busy for minutes
    r, seconds, grown = _post(api, "lie.xlsx", data)
    assert r.status_code == 200, r.content
    assert r.json()["values"] == 1 and seconds < 20 and grown < 50
    assert SchoolStatistic.objects.get(school__code=code, year=2023, indicator_id="students")


def test_values_past_the_row_and_column_bounds_are_named(api, code):
    far_value = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    r, seconds, _ = _post(
        api, "far.xlsx", hf.dimension_lie([HEADER, [code, 2023, 1]], far_row=far_value)
    )
    assert r.status_code == 422 and seconds < 20
    assert _where(r) == {("far.xlsx", 1048576, "")}
    assert "more than 1000000 rows" in r.json()["problems"][0]["message"]
    wide = {1: code, 2: 2023, 3: 5, 16384: "x"}
    r, seconds, _ = _post(api, "wide.xlsx", hf.dimension_lie([HEADER, wide]))
    assert r.status_code == 422 and seconds < 10
    assert _where(r) == {("wide.xlsx", 2, "XFD")}


def test_shared_strings_bomb_is_refused_before_it_is_unpacked(api, code):
    data = hf.shared_strings_bomb([HEADER, [code, 2023, "text"]], megabytes=300)
    assert len(data) < 400 * 1024  # about 300 KB that openpyxl would grow to 300 MB of text
    r, seconds, grown = _post(api, "bomb.xlsx", data)
    assert r.status_code == 413 and seconds < 5 and grown < 50
    body = r.json()
    assert _where(r) == {("bomb.xlsx", 0, "")}
    assert "ZIP bomb" in body["detail"] and "xl/sharedStrings.xml" in body["detail"]
    # and in the process itself: nothing near the unpacked size is ever allocated
    tracemalloc.start()
    with pytest.raises(UploadTooLarge):
        statistics_import(data=data, filename="bomb.xlsx", actor=None)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 10 * MB


def test_shared_strings_and_unpacked_size_have_their_own_bounds(api, code, settings):
    # a text table that compresses poorly (no bomb) but is past its own bound
    import random
    import string

    rnd = random.Random(7)

    def many_strings(f):
        for _ in range(60_000):
            f.write(f"<si><t>{''.join(rnd.choices(string.ascii_letters, k=12))}</t></si>".encode())

    data = hf.workbook([HEADER, [code, 2023, 1]], strings_writer=many_strings)
    settings.XIETONG_UPLOAD_MAX_SHARED_STRINGS_BYTES = 1 * MB
    r, _, _ = _post(api, "strings.xlsx", data)
    assert r.status_code == 413 and "text table" in r.json()["detail"]
    # the bound follows the part the content types name, whatever it is called
    renamed = hf.shared_strings_bomb([HEADER, [code, 2023, "t"]], 2, strings_part="xl/other.xml")
    settings.XIETONG_UPLOAD_MAX_RATIO = 10_000
    r, _, _ = _post(api, "renamed.xlsx", renamed)
    assert r.status_code == 413 and "text table" in r.json()["detail"]
    settings.XIETONG_UPLOAD_MAX_SHARED_STRINGS_BYTES = 64 * MB
    settings.XIETONG_UPLOAD_MAX_UNPACKED_BYTES = 1 * MB
    r, _, _ = _post(api, "renamed.xlsx", renamed)
    assert r.status_code == 413 and "unpacks to 2" in r.json()["detail"]


def _wsgi_post(path, body_file, size: int, boundary: str, **headers):
    """POST a multipart body streamed from disk through the whole WSGI stack: unlike the test
    client, nothing of the body is held in this process's memory except what the server keeps."""
    from django.core.handlers.wsgi import WSGIHandler

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": body_file,
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(size),
        **headers,
    }
    from django.core import signals
    from django.db import close_old_connections

    # As Django's test client does: the request signals would close the test's database
    # connection (inside the test transaction) on PostgreSQL.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        status = []
        chunks = WSGIHandler()(environ, lambda s, h, exc_info=None: status.append(s))
        return int(status[0].split()[0]), b"".join(chunks)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_big_csv_gets_413_and_is_never_stored(world, code, tmp_path, settings):
    import json

    from django.conf import settings as live

    assert live.XIETONG_UPLOAD_MAX_BYTES == 20 * MB  # the default
    user = world["users"]["langfang"]
    _t, secret = token_create(user=user, name="t", actor=user)
    boundary = "xietong-test-boundary"
    path = tmp_path / "big.body"
    line = f"{code},2023,480\n".encode()
    with path.open("wb") as f:
        f.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            "Content-Type: text/csv\r\n\r\nschool_code,year,students\n".encode()
        )
        for _ in range(126 * MB // (len(line) * 10_000) + 1):
            f.write(line * 10_000)
        f.write(f"\r\n--{boundary}--\r\n".encode())
    size = path.stat().st_size
    assert size > 126 * MB
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    Client().get("/api/openapi.json")  # load every module first: imports are no upload's cost
    gc.collect()
    before = _rss_mb()
    tracemalloc.start()
    t = time.monotonic()
    with path.open("rb") as body:
        status, content = _wsgi_post(
            "/api/statistics/import", body, size, boundary, HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
        drained = body.tell()
    seconds = time.monotonic() - t
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    assert status == 413, content
    body = json.loads(content)
    assert body["problems"][0]["file"] == "big.csv"
    assert "files up to 20 MB can be imported" in body["detail"]
    assert seconds < 30
    assert drained == size  # read to the end, so a browser sees the answer
    assert list((tmp_path / "uploads").iterdir()) == []  # never written to disk
    assert peak < 5 * MB  # nor kept in memory
    assert _rss_mb() - before < 20


def test_oversize_pages_answer_413_inside_the_layout(world, settings):
    c = Client()
    c.force_login(world["users"]["langfang"])
    settings.XIETONG_UPLOAD_MAX_BYTES = 1 * MB
    line = b"1310020001,2023,480\n"
    r = c.post("/statistics/import/", {"file": SimpleUploadedFile("big.csv", line * 100_000)})
    page = r.content.decode()
    assert r.status_code == 413
    assert 'class="topbar"' in page and 'class="messages"' in page
    assert "big.csv: the file is 1.9 MB; files up to 1 MB can be imported" in page


def test_a_file_just_past_the_limit_is_refused_by_the_service(code):
    from xietong.tabular import Limits, read_table

    with pytest.raises(UploadTooLarge) as exc:
        read_table(b"x" * 2049, "f.csv", limits=Limits(max_bytes=2048))
    assert exc.value.status == 413 and exc.value.problems[0].file == "f.csv"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200), "a PNG image"),
        ("table.xlsx", b"school_code,year,students\n1,2023,3\n", "a text file (CSV?)"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "an old Excel .xls"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "not CSV text but a PNG image"),
        ("broken.xlsx", b"PK\x03\x04" + bytes(200), "the workbook cannot be read"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "save it from Excel as .xlsx"),
        ("empty.xlsx", b"", "the file is empty"),
    ],
)
def test_files_that_are_not_what_their_name_says(api, name, data, says):
    r, seconds, _ = _post(api, name, data)
    assert r.status_code == 422 and seconds < 5
    assert _where(r) == {(name, 0, "")}
    assert says in r.json()["problems"][0]["message"]


def test_a_zip_that_is_no_workbook(api):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    r, _, _ = _post(api, "hello.xlsx", buf.getvalue())
    assert r.status_code == 422 and "cannot be read" in r.json()["problems"][0]["message"]


def test_a_200_kb_cell_is_named_by_row_and_column(api, code):
    for n in (40_000, 200_000):  # past our bound, and past the csv module's own field limit
        data = f"school_code,year,students,note\n{code},2023,1,{'x' * n}\n".encode()
        r, seconds, _ = _post(api, "long.csv", data)
        assert r.status_code == 422 and seconds < 5
        assert _where(r) == {("long.csv", 2, "note")}
        assert f"the cell has {n} characters" in r.json()["problems"][0]["message"]
    quoted = f'school_code,year,note,students\n{code},2023,"a,{"y" * 200_000}",1\n'.encode()
    r, _, _ = _post(api, "quoted.csv", quoted)
    assert _where(r) == {("quoted.csv", 2, "note")}
    wb = hf.workbook([HEADER + ["note"], [code, 2023, 1, "z" * 40_000]])
    r, _, _ = _post(api, "long.xlsx", wb)
    assert r.status_code == 422 and _where(r) == {("long.xlsx", 2, "note")}


def test_time_row_and_column_budgets(code, settings):
    rows = "".join(f"{code},{y},1\n" for y in range(1950, 2050))
    data = f"school_code,year,students\n{rows}".encode()
    settings.XIETONG_IMPORT_MAX_SECONDS = 0
    with pytest.raises(ImportFailed) as exc:
        statistics_import(data=data, filename="slow.csv", actor=None)
    p = exc.value.problems[0]
    assert (p.file, p.row) == ("slow.csv", 64) and "stopped after 0 seconds" in p.message
    settings.XIETONG_IMPORT_MAX_SECONDS = 60
    settings.XIETONG_IMPORT_MAX_ROWS = 50
    with pytest.raises(ImportFailed) as exc:
        statistics_import(data=data, filename="long.csv", actor=None)
    assert (exc.value.problems[0].row, exc.value.problems[0].column) == (51, "")
    settings.XIETONG_IMPORT_MAX_ROWS = 1000
    settings.XIETONG_IMPORT_MAX_COLUMNS = 3
    wide = f"school_code,year,students\n{code},2023,1,,,9\n".encode()
    with pytest.raises(ImportFailed) as exc:
        statistics_import(data=wide, filename="wide.csv", actor=None)
    assert (exc.value.problems[0].row, exc.value.problems[0].column) == (2, "#6")
    # empty cells past the column bound are no problem
    ok = f"school_code,year,students\n{code},2023,1,,,\n".encode()
    assert statistics_import(data=ok, filename="ok.csv", actor=None).values == 1


def test_talent_imports_refuse_the_same_files(world, settings):
    from xietong.talent.imports import teachers_import

    header = ["code", "name", "school_code", "subject", "stage"]
    bomb = hf.shared_strings_bomb([header, ["T1", "x", "y", "maths", "primary"]], 50)
    with pytest.raises(UploadTooLarge):
        teachers_import(data=bomb, filename="t.xlsx", actor=world["users"]["school-a"])
    with pytest.raises(ImportFailed) as exc:
        teachers_import(data=b"\x89PNG\r\n\x1a\n", filename="t.xlsx", actor=None)
    assert "a PNG image" in exc.value.problems[0].message
    user = world["users"]["school-a"]
    _t, secret = token_create(user=user, name="t", actor=user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    r, seconds, _ = _post(api, "t.xlsx", bomb, url="/api/talent/teachers/import")
    assert r.status_code == 413 and seconds < 5
    settings.XIETONG_UPLOAD_MAX_BYTES = 1024
    page = Client()
    page.force_login(user)
    r = page.post("/talent/teachers/import/", {"file": SimpleUploadedFile("t.csv", b"x" * 5000)})
    assert r.status_code == 413 and 'class="topbar"' in r.content.decode()
    assert "files up to" in r.content.decode()
