"""The browser page's own static files (no CDN): a fixed list, served from the package."""

from __future__ import annotations

from importlib import resources

#: file name -> media type; only these names are ever served (no path is joined from a request)
ASSETS: dict[str, str] = {
    "style.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


def asset_bytes(name: str) -> bytes:
    """The bytes of one asset; KeyError for any name not in :data:`ASSETS`."""
    if name not in ASSETS:
        raise KeyError(name)
    return (resources.files(__package__) / "assets" / name).read_bytes()
