"""The DEBUG error page: what an unhandled exception looks like to the developer.

Only the app's DEBUG mode ever calls this; in production an unhandled exception becomes a
plain ``{"status": "error", "message": "Internal server error"}`` with no detail. A browser
(``Accept: text/html``) gets an HTML page with the traceback and the request; API clients
get the same facts as JSON.
"""

from __future__ import annotations

import html
import os
import platform
import traceback
from typing import TYPE_CHECKING, Any

from surge._version import __version__

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["debug_response", "wants_html"]

# Values of these headers are credentials: a debug page gets screenshotted and pasted around.
_MASKED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "x-csrf-token"})
_MASK = "********"

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }}
header {{ background: #b3261e; color: #fff; padding: 1.2em 2em; }}
header h1 {{ margin: 0 0 .3em 0; font-size: 1.4em; }}
header p {{ margin: 0; font-family: ui-monospace, monospace; white-space: pre-wrap; }}
main {{ padding: 1em 2em; }}
h2 {{ font-size: 1.1em; border-bottom: 1px solid #ddd; padding-bottom: .3em; }}
.frame {{ background: #fff; border: 1px solid #ddd; border-radius: 4px; margin: .5em 0; padding: .5em .8em; }}
.frame .where {{ color: #555; font-size: .9em; }}
.frame code {{ display: block; margin-top: .3em; font-family: ui-monospace, monospace; }}
.frame.app {{ border-left: 4px solid #b3261e; }}
table {{ border-collapse: collapse; font-size: .9em; }}
td, th {{ text-align: left; padding: .2em .8em .2em 0; vertical-align: top; font-family: ui-monospace, monospace; }}
pre {{ background: #fff; border: 1px solid #ddd; padding: .8em; overflow-x: auto; }}
footer {{ color: #777; font-size: .8em; padding: 1em 2em; }}
</style>
</head>
<body>
<header><h1>{exc_type} in {method} {path}</h1><p>{message}</p></header>
<main>
<h2>Traceback <small>(most recent call last)</small></h2>
{frames}
<h2>Request</h2>
<table>{request_rows}</table>
<h2>Headers</h2>
<table>{header_rows}</table>
<h2>Full traceback</h2>
<pre>{full}</pre>
</main>
<footer>{app_name} &middot; Surge {surge_version} &middot; Python {python_version} &middot;
This page is shown because DEBUG is true; it is never shown in production.</footer>
</body>
</html>
"""


def wants_html(req: Request) -> bool:
    """True when the client prefers HTML (a browser), False for API clients."""
    accept = req.headers.get("accept", "")
    return "text/html" in accept or "application/xhtml+xml" in accept


def _headers(req: Request) -> dict[str, str]:
    return {key: (_MASK if key.lower() in _MASKED_HEADERS else value) for key, value in req.headers.items()}


def _request_facts(req: Request) -> dict[str, Any]:
    endpoint = getattr(req.endpoint, "name", None)
    client = req.client
    return {
        "method": req.method,
        "path": req.path,
        "query": req.query_string,
        "endpoint": endpoint,
        "route_parameters": {key: str(value) for key, value in (req.route_parameters or {}).items()},
        "client": f"{client[0]}:{client[1]}" if client else None,
    }


def _frames_html(exc: BaseException, app_root: str) -> str:
    parts = []
    for frame in traceback.extract_tb(exc.__traceback__):
        in_app = frame.filename.startswith(app_root) and "site-packages" not in frame.filename
        parts.append(
            f'<div class="frame{" app" if in_app else ""}"><div class="where">'
            f"{html.escape(frame.filename)}, line {frame.lineno}, in <b>{html.escape(frame.name)}</b></div>"
            f"<code>{html.escape(frame.line or '')}</code></div>"
        )
    return "\n".join(parts)


def _rows(values: dict[str, Any]) -> str:
    return "".join(
        f"<tr><th>{html.escape(str(key))}</th><td>{html.escape('' if value is None else str(value))}</td></tr>"
        for key, value in values.items()
    )


def debug_response(req: Request, exc: BaseException) -> Response:
    """A 500 response describing ``exc``: an HTML page for browsers, JSON otherwise."""

    app = req.app
    full = "".join(traceback.format_exception(exc))
    exc_type = type(exc).__qualname__
    response = app.response_class(req).status(500)
    if not wants_html(req):
        return response.json(
            {
                "status": "error",
                "message": "Internal server error",
                "exception": exc_type,
                "detail": str(exc),
                "traceback": full.splitlines(),
                "request": _request_facts(req),
            }
        )
    page = _PAGE.format(
        title=html.escape(f"{exc_type}: {exc}"[:200]),
        exc_type=html.escape(exc_type),
        method=html.escape(req.method),
        path=html.escape(req.path),
        message=html.escape(str(exc)),
        frames=_frames_html(exc, os.path.abspath(str(app.get_conf("BASE_PATH", ".")))),
        request_rows=_rows(_request_facts(req)),
        header_rows=_rows(_headers(req)),
        full=html.escape(full),
        app_name=html.escape(str(app.get_conf("APP_NAME", ""))),
        surge_version=html.escape(__version__),
        python_version=html.escape(platform.python_version()),
    )
    response.body = page.encode("utf-8")
    response.media_type = "text/html; charset=utf-8"
    return response
