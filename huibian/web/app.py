"""The web app factory: `create_app(db_path)` → a FastAPI (ASGI) application.

The app object (huibian.web.site.Site: store, templates, caches) hangs off the
application as `app.state.site`; ROUTERS is the whole URL map, in one list. Read-only by
default: the store is opened with mode=ro. Every asset is served from installed packages
(our own static files, plotly.min.js from plotly, Swagger UI and ReDoc from
fastapi-offline), so the app makes no request to any other host.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from huibian import __version__
from huibian.models import HuibianError
from huibian.web import api, assets, checks, data, linked, measures, pages
from huibian.web.site import Site, site

HERE = Path(__file__).resolve().parent
# the URL map: the JSON API, the pages, the assets and API docs (each router's routes in its module)
ROUTERS = (
    api.router, measures.api_router, checks.api_router, pages.router, measures.router, checks.router, assets.router,
)

DESCRIPTION = """The facts of Chinese government work reports (政府工作报告), with their provenance.

Every HTML page has a JSON twin under `/api/`. Facts come in the exchange format of
`docs/facts.md` (the same records as `huibian facts --format jsonl`). Lists are paged
with `limit` and `offset`; the total is in the `X-Total-Count` header. Bad parameters
answer 400, unknown ids 404, always with a `detail` message.
"""


def create_app(db_path: str | Path) -> FastAPI:
    """The huibian web app over the store at `db_path`, opened read-only."""
    state = Site(db_path, targets=linked.link_tables, checks=lambda db: db.audit())
    app = FastAPI(
        title="huibian",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_tags=[{"name": "api", "description": "JSON twins of the pages"}],
    )
    app.state.site = state
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    assets.check()
    for router in ROUTERS:
        app.include_router(router)
    _error_handlers(app)
    state.start()  # link targets to outcomes and audit the store in the background (seconds on a big store)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, message: str):
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return site(request).render(request, "error.html", status_code=status, status=status, message=message)


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
