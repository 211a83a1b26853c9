"""The web middlewares (ASGI: FastAPI/Starlette, WSGI: Flask, Django): a context per request,
the closing record, concurrent requests never mixing their fields."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import lynx
from lynx import _request

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_request_id_and_traceparent_parsing():
    assert _request.request_id("abc-123") == "abc-123"
    assert len(_request.request_id("bad id\n")) == 32
    assert len(_request.request_id(None)) == 32
    assert _request.trace_fields(TRACEPARENT) == {
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"}
    assert _request.trace_fields("00-" + "0" * 32 + "-00f067aa0ba902b7-01") == {}
    assert _request.trace_fields("garbage") == {}


def check_requests(records, n):
    """Every handler record carries its own request's context; one closing record each."""
    handler = [r for r in records if r["logger"] == "app"]
    access = [r for r in records if r["logger"] == "http"]
    assert len(handler) == n and len(access) == n
    for r in handler:
        assert r["ctx"]["request_id"] == "rid-" + str(r["fields"]["n"])
        assert r["ctx"]["path"] == "/item/" + str(r["fields"]["n"])
    for r in access:
        assert r["fields"]["status"] == 200 and r["fields"]["method"] == "GET"
        assert r["fields"]["duration_ms"] >= 0
        assert r["ctx"]["path"] == r["fields"]["path"]


def concurrently(get, n=24):
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(get, range(n)))
    for i, resp in enumerate(responses):
        assert resp.status_code == 200
        assert resp.headers["X-Request-ID"] == f"rid-{i}"


def test_fastapi(engine, read):
    fastapi = pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient
    import asyncio
    import lynx.asgi

    app = fastapi.FastAPI()
    app.add_middleware(lynx.asgi.LynxMiddleware)
    log = lynx.logger("app")

    @app.get("/item/{n}")
    async def item(n: int):
        await asyncio.sleep(0.001)  # other requests run here
        log.info("item {n}", n=n)
        return {"n": n}

    @app.get("/traced")
    def traced():
        log.info("traced {n}", n=-1)
        return {}

    client = TestClient(app)
    concurrently(lambda i: client.get(f"/item/{i}", headers={"X-Request-ID": f"rid-{i}"}))
    resp = client.get("/traced", headers={"traceparent": TRACEPARENT})
    assert len(resp.headers["X-Request-ID"]) == 32
    records = read(engine)
    traced = [r for r in records if r["msg"] == "traced -1"][0]
    assert traced["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert traced["span_id"] == "00f067aa0ba902b7"
    check_requests([r for r in records if r["ctx"]["path"] != "/traced"], 24)


def test_starlette_asyncio_gather(engine, read):
    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    import asyncio
    import httpx
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    import lynx.asgi

    log = lynx.logger("app")

    async def item(request):
        n = int(request.path_params["n"])
        await asyncio.sleep(0.001 * (n % 3))
        log.info("item {n}", n=n)
        return JSONResponse({"n": n})

    app = Starlette(routes=[Route("/item/{n}", item)],
                    middleware=[Middleware(lynx.asgi.LynxMiddleware)])

    async def main():
        # All requests in one event loop, interleaved: the case contextvars exist for.
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await asyncio.gather(*(
                client.get(f"/item/{i}", headers={"X-Request-ID": f"rid-{i}"})
                for i in range(30)))

    for i, resp in enumerate(asyncio.run(main())):
        assert resp.status_code == 200 and resp.headers["x-request-id"] == f"rid-{i}"
    check_requests(read(engine), 30)


def test_flask(engine, read):
    flask = pytest.importorskip("flask")
    import lynx.wsgi

    app = flask.Flask(__name__)
    app.wsgi_app = lynx.wsgi.LynxMiddleware(app.wsgi_app)
    log = lynx.logger("app")

    @app.route("/item/<int:n>")
    def item(n):
        log.info("item {n}", n=n)
        return {"n": n}

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    local = threading.local()

    def get(i):
        if not hasattr(local, "client"):
            local.client = app.test_client()
        # buffered: the response is read and closed, as a WSGI server does (the closing record is
        # written at close()).
        return local.client.get(f"/item/{i}", headers={"X-Request-ID": f"rid-{i}"},
                                buffered=True)

    concurrently(get)
    assert app.test_client().get("/boom", buffered=True).status_code == 500
    records = read(engine)
    boom = [r for r in records if r["ctx"]["path"] == "/boom"]
    assert [r["level"] for r in boom if r["logger"] == "http"] == ["error"]
    check_requests([r for r in records if r["ctx"]["path"] != "/boom"], 24)


def test_django(engine, read):
    pytest.importorskip("django")
    import django
    from django.conf import settings
    from django.http import JsonResponse
    from django.urls import path

    log = lynx.logger("app")

    def item(request, n):
        log.info("item {n}", n=n)
        return JsonResponse({"n": n})

    global urlpatterns
    urlpatterns = [path("item/<int:n>", item)]
    if not settings.configured:
        settings.configure(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False,
                           MIDDLEWARE=["lynx.django.LynxMiddleware"], SECRET_KEY="test",
                           INSTALLED_APPS=[], DATABASES={})
        django.setup()
    from django.test import Client

    concurrently(lambda i: Client().get(f"/item/{i}", HTTP_X_REQUEST_ID=f"rid-{i}"))
    check_requests(read(engine), 24)


urlpatterns = []
