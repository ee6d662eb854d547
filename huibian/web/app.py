"""The web app factory: `create_app(db_path)` → a FastAPI (ASGI) application.

Read-only by default: the store is opened with mode=ro. Every asset is served from
installed packages (our own static files, plotly.min.js from plotly, Swagger UI and
ReDoc from fastapi-offline), so the app makes no request to any other host.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from huibian import __version__
from huibian.models import HuibianError
from huibian.web import data

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))

DESCRIPTION = """The facts of Chinese government work reports (政府工作报告), with their provenance.

Every HTML page has a JSON twin under `/api/`. Facts come in the exchange format of
`docs/facts.md` (the same records as `huibian facts --format jsonl`). Lists are paged
with `limit` and `offset`; the total is in the `X-Total-Count` header. Bad parameters
answer 400, unknown ids 404, always with a `detail` message.
"""


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise HuibianError(f"the {package} package is missing: pip install {package.replace('_', '-')}")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


@functools.cache
def _redoc_js(path: Path) -> bytes:
    """ReDoc's bundle with its one hard-coded remote asset (the footer logo) pointed at ours."""
    return path.read_bytes().replace(b"https://cdn.redoc.ly/redoc/logo-mini.svg", b"/static/favicon.svg")


def create_app(db_path: str | Path) -> FastAPI:
    """The huibian web app over the store at `db_path`, opened read-only."""
    store = data.Store(db_path)
    app = FastAPI(
        title="huibian",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_tags=[{"name": "api", "description": "JSON twins of the pages"}],
    )
    app.state.store = store
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    docs_assets = _package_file("fastapi_offline", "static")
    plotly_js = _package_file("plotly", "package_data", "plotly.min.js")
    vendor = {
        "plotly.min.js": plotly_js,
        "swagger-ui-bundle.js": docs_assets / "swagger-ui-bundle.js",
        "swagger-ui.css": docs_assets / "swagger-ui.css",
        "redoc.standalone.js": docs_assets / "redoc.standalone.js",
        "favicon.png": docs_assets / "favicon.png",
    }

    @app.get("/vendor/{name}", include_in_schema=False)
    def vendor_file(name: str) -> Response:
        path = vendor.get(name)
        if path is None:
            raise HTTPException(404, f"no asset {name!r}")
        cache = {"Cache-Control": "public, max-age=86400"}
        if name == "redoc.standalone.js":
            return Response(_redoc_js(path), media_type="text/javascript", headers=cache)
        return FileResponse(path, headers=cache)

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="huibian API",
            swagger_js_url="/vendor/swagger-ui-bundle.js",
            swagger_css_url="/vendor/swagger-ui.css",
            swagger_favicon_url="/vendor/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="huibian API",
            redoc_js_url="/vendor/redoc.standalone.js",
            redoc_favicon_url="/vendor/favicon.png",
            with_google_fonts=False,
        )

    from huibian.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    _error_handlers(app)
    store.targets.start()  # link targets to outcomes in the background (seconds on a big store)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, message: str):
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )


MAX_PARAM_CHARS = 1000  # longer than any region, indicator or query a person types; far below SQLite's limits


def _error_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def bounded_parameters(request: Request, call_next):
        """Refuse over-long query parameters before any route sees them: a 100 KB `region`
        would reach SQLite as a LIKE pattern (`pattern too complex`, a 500) or cost a scan."""
        for key, value in request.query_params.multi_items():
            if len(value) > MAX_PARAM_CHARS or len(key) > MAX_PARAM_CHARS:
                name = key if len(key) <= 40 else key[:40] + "…"
                return _error(request, 400, f"bad parameter — {name}: {max(len(value), len(key))} characters, "
                                            f"at most {MAX_PARAM_CHARS} are accepted")
        return await call_next(request)

    @app.exception_handler(data.NotFound)
    async def not_found(request: Request, exc: data.NotFound):
        return _error(request, 404, str(exc))

    @app.exception_handler(data.BadParam)
    async def bad_param(request: Request, exc: data.BadParam):
        return _error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        msgs = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path"))
            got = repr(err["input"]) if "input" in err else ""
            got = got if len(got) <= 80 else got[:80] + "…"
            msgs.append(f"{where}: {err.get('msg')}" + (f" (got {got})" if got else ""))
        return _error(request, 400, "bad parameter — " + "; ".join(msgs))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        return _error(request, exc.status_code, message)

    @app.exception_handler(HuibianError)
    async def huibian_error(request: Request, exc: HuibianError):
        return _error(request, 400, str(exc))
