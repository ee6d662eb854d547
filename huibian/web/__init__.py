"""The web app (`huibian serve`): server-rendered pages and a JSON API over the store."""

from huibian.web.app import create_app

__all__ = ["create_app"]
