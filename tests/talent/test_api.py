import json

from django.test import Client

from xietong.accounts.services import token_create
from xietong.jobs.worker import run_pending


def _api(tw, who):
    user = tw["users"][who]
    _t, secret = token_create(user=user, name="t", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(c, path, data=None):
    return c.post(path, json.dumps(data or {}), content_type="application/json")


def _put(c, path, data):
    return c.put(path, json.dumps(data), content_type="application/json")


def test_round_through_the_api(tw):
    sec = _api(tw, "jjj-sec")
    r = _post(
        sec,
        "/api/talent/rounds",
        {"name": "API round", "year": 2025, "area": "jjj", "max_departure_share": "1"},
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    s = tw["schools"]
    r = _post(
        sec,
        f"/api/talent/rounds/{pk}/posts",
        {"code": "X1", "host_school": s["A"].code, "subject": "maths", "stage": "primary"},
    )
    assert r.status_code == 201
    assert _post(sec, f"/api/talent/rounds/{pk}/steps/close").status_code == 422  # out of order
    assert _post(sec, f"/api/talent/rounds/{pk}/steps/open").json()["status"] == "open"
    # the teacher applies for herself: own school refused, then Wuqing's post via the school
    teacher = _api(tw, "teacher-a")
    r = _put(teacher, f"/api/talent/rounds/{pk}/application", {"posts": ["X1"]})
    assert r.status_code == 422 and "own school" in r.json()["detail"]
    r = _put(sec, f"/api/talent/rounds/{pk}/application", {"teacher": "TB0", "posts": ["X1"]})
    assert r.status_code == 200
    assert _post(sec, f"/api/talent/rounds/{pk}/steps/close").status_code == 200
    r = _post(sec, f"/api/talent/rounds/{pk}/steps/match")  # a job: 202 and where to follow it
    assert (
        r.status_code == 202 and r["Location"] == r.json()["url"] == f"/api/jobs/{r.json()['id']}"
    )
    assert run_pending() == 2  # the matching, then the effect of that matching
    job = sec.get(r["Location"]).json()
    assert job["status"] == "succeeded" and job["result"]["placed"] == 1, job
    detail = sec.get(f"/api/talent/rounds/{pk}").json()
    assert detail["status"] == "matched" and detail["certificate"]["ok"] is True
    assert _post(sec, f"/api/talent/rounds/{pk}/steps/review").status_code == 200
    r = _post(sec, f"/api/talent/rounds/{pk}/steps/publish", {"override_reason": "pilot"})
    assert r.status_code == 200 and r.json()["status"] == "published"
    res = sec.get(f"/api/talent/rounds/{pk}/results").json()
    assert res["items"][0]["post"] == "X1"
    assert sec.get(f"/api/talent/rounds/{pk}/flows").json()["items"][0]["teachers"] == 1
    assert "counties" in sec.get(f"/api/talent/rounds/{pk}/effect").json()
    assert Client().get(f"/api/talent/rounds/{pk}/results").json()["count"] == 0


def test_api_wrong_user_and_bad_input(tw):
    lf = _api(tw, "langfang")
    r = _post(lf, "/api/talent/rounds", {"name": "x", "year": 2025, "area": "jjj"})
    assert r.status_code == 403
    r = _post(
        lf,
        "/api/talent/rounds",
        {"name": "x", "year": 2025, "jurisdiction": "131000000000", "tie_break": "dice"},
    )
    assert r.status_code == 422
    assert (
        _post(
            Client(), "/api/talent/rounds", {"name": "x", "year": 2025, "area": "jjj"}
        ).status_code
        == 401
    )
    assert lf.get(f"/api/talent/rounds/{tw['round'].pk}").status_code == 404  # draft


def test_teachers_import_api(tw):
    c = _api(tw, "school-a")
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile(
        "t.csv", b"code,name,school_code,subject,stage\nZ1,z,NOPE,maths,primary\n"
    )
    r = c.post("/api/talent/teachers/import", {"file": f})
    assert r.status_code == 422
    assert r.json()["problems"][0] == {
        "file": "t.csv",
        "row": 2,
        "column": "school_code",
        "message": "no school with code 'NOPE'",
    }
    assert c.get("/api/talent/teachers").json()["count"] == 4


def test_appointments_training_recruitment_api(tw):
    import datetime as dt

    bj = _api(tw, "tongzhou")
    r = _post(
        bj,
        "/api/talent/appointments",
        {
            "teacher": "TB0",
            "school": tw["schools"]["B"].code,
            "weekly_hours": 2,
            "weekdays": "2",
            "starts": str(dt.date(2025, 9, 1)),
        },
    )
    assert r.status_code == 422 and "home school" in r.json()["detail"]
    sec = _api(tw, "jjj-sec")
    r = _post(
        sec,
        "/api/talent/training",
        {
            "area": "jjj",
            "code": "P1",
            "title": "研修",
            "credit_hours": "12",
            "starts": "2025-07-01",
            "ends": "2025-07-03",
        },
    )
    assert r.status_code == 201
    r = _post(_api(tw, "teacher-a"), "/api/talent/training/P1/enrol", {})
    assert r.status_code == 201
    r = _post(sec, f"/api/talent/enrolments/{r.json()['id']}/complete")
    assert r.json()["status"] == "completed"
    r = _post(
        _api(tw, "school-a"),
        "/api/talent/vacancies",
        {
            "school": tw["schools"]["A"].code,
            "title": "新教师",
            "subject": "maths",
            "stage": "primary",
            "new_teachers": True,
        },
    )
    assert r.status_code == 201
    vid = r.json()["id"]
    assert Client().get("/api/talent/vacancies?area=jjj").json()["count"] == 1
    r = _post(_api(tw, "public"), f"/api/talent/vacancies/{vid}/apply", {"statement": "hi"})
    assert r.status_code == 201
    r = _post(
        _api(tw, "public"),
        f"/api/talent/candidacies/{r.json()['id']}/status",
        {"status": "offered"},
    )
    assert r.status_code == 403
