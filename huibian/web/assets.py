"""What the pages load besides themselves, all from installed packages: plotly.js from
plotly, Swagger UI and ReDoc from fastapi-offline (the API docs at /docs and /redoc), so
the app makes no request to any other host."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response

from huibian.models import HuibianError

router = APIRouter(include_in_schema=False)
TITLE = "huibian API"
CACHE = {"Cache-Control": "public, max-age=86400"}
# /vendor/NAME → (package, path inside it)
VENDOR = {
    "plotly.min.js": ("plotly", "package_data/plotly.min.js"),
    "swagger-ui-bundle.js": ("fastapi_offline", "static/swagger-ui-bundle.js"),
    "swagger-ui.css": ("fastapi_offline", "static/swagger-ui.css"),
    "redoc.standalone.js": ("fastapi_offline", "static/redoc.standalone.js"),
    "favicon.png": ("fastapi_offline", "static/favicon.png"),
}
SWAGGER = {"swagger_js_url": "/vendor/swagger-ui-bundle.js", "swagger_css_url": "/vendor/swagger-ui.css",
           "swagger_favicon_url": "/vendor/favicon.png", "swagger_ui_parameters": {"validatorUrl": None}}
REDOC = {"redoc_js_url": "/vendor/redoc.standalone.js", "redoc_favicon_url": "/vendor/favicon.png",
         "with_google_fonts": False}


def package_file(package: str, path: str) -> Path:
    """A file shipped inside an installed package; a clear error when the package is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise HuibianError(f"the {package} package is missing: pip install {package.replace('_', '-')}")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*path.split("/"))


def check() -> None:
    """Fail at start, not on first request, when an asset's package is missing."""
    for package, path in VENDOR.values():
        package_file(package, path)


@functools.cache
def _redoc_js(path: Path) -> bytes:
    """ReDoc's bundle with its one hard-coded remote asset (the footer logo) pointed at ours."""
    return path.read_bytes().replace(b"https://cdn.redoc.ly/redoc/logo-mini.svg", b"/static/favicon.svg")


@router.get("/vendor/{name}")
def vendor_file(name: str) -> Response:
    if name not in VENDOR:
        raise HTTPException(404, f"no asset {name!r}")
    path = package_file(*VENDOR[name])
    if name == "redoc.standalone.js":
        return Response(_redoc_js(path), media_type="text/javascript", headers=CACHE)
    return FileResponse(path, headers=CACHE)


def _openapi_url(request: Request) -> str:
    return request.app.openapi_url or "/openapi.json"


@router.get("/docs")
def swagger(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=_openapi_url(request), title=TITLE, **SWAGGER)


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(openapi_url=_openapi_url(request), title=TITLE, **REDOC)
