"""/api/docs works on an intranet: Swagger UI comes from this server, and runs no inline script."""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[dict] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[a] for a in ("src", "href") if attrs.get(a)]
        if tag == "script":
            self._in_script = {**attrs, "body": ""}
            self.scripts.append(self._in_script)

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script["body"] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def _docs(db):
    resp = Client().get("/api/docs")
    assert resp.status_code == 200
    refs = _Refs()
    refs.feed(resp.content.decode())
    return refs


def test_docs_page_references_no_other_host(db):
    refs = _docs(db)
    assert refs.urls, "the page references nothing: no Swagger UI at all"
    external = [u for u in refs.urls if u.startswith(("http:", "https:", "//"))]
    assert external == []
    assert any("swagger-ui-bundle" in u for u in refs.urls)


def test_docs_assets_are_served_by_this_server(db):
    c = Client()
    for url in _docs(db).urls:
        resp = c.get(url)
        assert resp.status_code == 200, url
        body = b"".join(resp.streaming_content) if resp.streaming else resp.content
        assert len(body) > 100, url


def test_docs_page_has_no_inline_script(db):
    """Every script is a file from this server or a JSON data block (which a browser never runs),
    so the page works under a Content-Security-Policy without 'unsafe-inline'."""
    for script in _docs(db).scripts:
        if "src" in script:
            assert script["body"].strip() == ""
        else:
            assert script.get("type") == "application/json", script


def test_openapi_schema_has_no_response_status_twice():
    """A status given both as a number and as a string is one JSON key twice: Swagger UI's parser
    refuses the whole document (a YAMLException), and no operation shows."""
    import json

    from xietong.api import api

    pairs_seen = []

    def hook(pairs):
        keys = [k for k, _v in pairs]
        pairs_seen.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(pairs)

    json.loads(json.dumps(api.get_openapi_schema()), object_pairs_hook=hook)
    assert pairs_seen == []
