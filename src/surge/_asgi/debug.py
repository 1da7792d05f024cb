"""The DEBUG error page: what an unhandled exception looks like to the developer.

Only the app's DEBUG mode ever calls this; in production an unhandled exception becomes a
plain ``{"status": "error", "message": "Internal server error"}`` with no detail. A browser
(``Accept: text/html``) gets an HTML page: the user's own frames first, each with its source
and local variables, the framework's and libraries' frames folded away, the route parameters
as the handler received them, and the request. API clients get the same facts as JSON,
without the local variables.
"""

from __future__ import annotations

import html
import platform
import traceback
from typing import TYPE_CHECKING, Any

from surge._asgi._debug_frames import MASK, SECRET_NAME, FrameView, Redactor, frame_views
from surge._version import __version__
from surge.config import BaseConfig
from surge.controller.params import HandlerParams

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["debug_response", "typed_route_parameters", "wants_html"]

# Values of these headers are credentials: a debug page gets screenshotted and pasted around.
_MASKED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "x-csrf-token"})

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
h2 small, .note {{ color: #666; font-weight: normal; font-size: .85em; }}
.frame {{ background: #fff; border: 1px solid #ddd; border-radius: 4px; margin: .6em 0; padding: .5em .8em; }}
.frame.user {{ border-left: 4px solid #b3261e; }}
.frame .where {{ color: #555; font-size: .9em; }}
.source {{ margin: .4em 0; font-family: ui-monospace, monospace; font-size: .9em; white-space: pre; overflow-x: auto; }}
.source div {{ padding: 0 .4em; }}
.source .ln {{ color: #999; display: inline-block; min-width: 3.5em; user-select: none; }}
.source .failing {{ background: #fde7e4; font-weight: bold; }}
details > summary {{ cursor: pointer; color: #444; }}
table {{ border-collapse: collapse; font-size: .9em; }}
td, th {{ text-align: left; padding: .2em .8em .2em 0; vertical-align: top; font-family: ui-monospace, monospace; }}
td {{ white-space: pre-wrap; word-break: break-all; }}
pre {{ background: #fff; border: 1px solid #ddd; padding: .8em; overflow-x: auto; }}
footer {{ color: #777; font-size: .8em; padding: 1em 2em; }}
</style>
</head>
<body>
<header><h1>{exc_type} in {method} {path}</h1><p>{message}</p></header>
<main>
{frames}
<h2>Route parameters <small>(as the handler receives them)</small></h2>
<table><tr><th>name</th><th>value</th><th>type</th></tr>{route_rows}</table>
<h2>Request</h2>
<table>{request_rows}</table>
<h2>Query parameters</h2>
<table>{query_rows}</table>
<h2>Headers</h2>
<table>{header_rows}</table>
<details><summary>Full traceback</summary><pre>{full}</pre></details>
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


def _type_name(value: object) -> str:
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def typed_route_parameters(req: Request) -> list[tuple[str, Any]]:
    """The route parameters as the handler receives them: converted by the rule and its annotation.

    A parameter the handler does not take keeps the rule's value; one its annotation rejects
    (impossible once the handler ran) keeps the raw value.
    """
    raw = dict(req.route_parameters or {})
    params = getattr(getattr(req.endpoint, "info", None), "params", None)
    typed: list[tuple[str, Any]] = []
    if isinstance(params, HandlerParams):
        for name in params.route:
            wire = params.wire.get(name, name)
            if wire not in raw:
                continue
            value = raw.pop(wire)
            converter = params.route_converters.get(name)
            if converter is not None:
                try:
                    value = converter.validate_python(value)
                except Exception:  # noqa: S110 - the raw value is the honest answer then
                    pass
            typed.append((name, value))
    typed.extend(raw.items())
    return typed


def _masked(name: str, value: str) -> str:
    return MASK if name.lower() in _MASKED_HEADERS or SECRET_NAME.search(name) else value


def _request_secrets(req: Request) -> list[str]:
    """Credential values this request carries, so no local variable's repr shows them either."""
    found = []
    for name, value in req.headers.items():
        if _masked(name, value) == MASK:
            found.append(value)
            found.extend(value.split(None, 1)[1:])  # "Bearer <token>": the token alone too
    found.extend(req.cookies.values())
    found.extend(value for name, value in req.query_params.multi_items() if SECRET_NAME.search(name))
    return found


def _request_facts(req: Request, redactor: Redactor) -> dict[str, Any]:
    endpoint = getattr(req.endpoint, "name", None)
    client = req.client
    return {
        "method": req.method,
        "path": req.path,
        "query": redactor.scrub(req.query_string),
        "endpoint": endpoint,
        "route_parameters": {
            name: {"value": redactor.repr(value), "type": _type_name(value)}
            for name, value in typed_route_parameters(req)
        },
        "client": f"{client[0]}:{client[1]}" if client else None,
    }


def _rows(values: dict[str, Any] | list[tuple[str, Any]]) -> str:
    items = values.items() if isinstance(values, dict) else values
    return "".join(
        f"<tr><th>{html.escape(str(key))}</th><td>{html.escape('' if value is None else str(value))}</td></tr>"
        for key, value in items
    )


def _source_line(number: int, text: str, failing: bool) -> str:
    if failing:
        return f'<div class="failing"><span class="ln">&rarr; {number}</span>{html.escape(text)}</div>'
    return f'<div><span class="ln">{number}</span>{html.escape(text)}</div>'


def _frame_html(view: FrameView) -> str:
    source = "".join(_source_line(number, text, number == view.lineno) for number, text in view.context)
    locals_html = ""
    if view.locals:
        more = f'<tr><td colspan="2">... {view.hidden_locals} more</td></tr>' if view.hidden_locals else ""
        locals_html = (
            f"<details{' open' if not view.library else ''}><summary>Local variables ({len(view.locals)})</summary>"
            f"<table>{_rows(list(view.locals))}{more}</table></details>"
        )
    return (
        f'<div class="frame{"" if view.library else " user"}"><div class="where">'
        f"{html.escape(view.filename)}, line {view.lineno}, in <b>{html.escape(view.function)}</b></div>"
        f'<div class="source">{source}</div>{locals_html}</div>'
    )


def _split(views: list[FrameView]) -> tuple[list[FrameView], list[FrameView]]:
    """The user's frames and the others, each most recent call first."""
    return [view for view in reversed(views) if not view.library], [
        view for view in reversed(views) if view.library
    ]


def _frames_html(views: list[FrameView]) -> str:
    """The user's frames first (most recent call first), then the rest folded in a ``<details>``."""
    user, library = _split(views)
    parts = []
    if user:
        parts.append("<h2>Your code <small>(most recent call first)</small></h2>")
        parts.extend(_frame_html(view) for view in user)
    if library:
        summary = f"{len(library)} framework and library frame{'s' if len(library) != 1 else ''}"
        parts.append(
            f'<details{"" if user else " open"}><summary>{summary} <span class="note">'
            "(Surge, site-packages, the standard library; most recent call first)</span></summary>"
            + "\n".join(_frame_html(view) for view in library)
            + "</details>"
        )
    return "\n".join(parts)


def _frames_json(views: list[FrameView]) -> list[dict[str, Any]]:
    user, library = _split(views)
    return [
        {
            "file": view.filename,
            "line": view.lineno,
            "function": view.function,
            "user_code": not view.library,
            "code": next((text.strip() for number, text in view.context if number == view.lineno), None),
        }
        for view in user + library
    ]


def debug_response(req: Request, exc: BaseException) -> Response:
    """A 500 response describing ``exc``: an HTML page for browsers, JSON otherwise."""

    app = req.app
    config = getattr(app, "config", None)  # the app class has it; the request's protocol does not promise it
    settings = config.model_dump() if isinstance(config, BaseConfig) else {}
    redactor = Redactor.for_config(settings, extra=_request_secrets(req))
    full = redactor.scrub("".join(traceback.format_exception(exc)))
    exc_type = type(exc).__qualname__
    message = redactor.scrub(str(exc))
    response = app.response_class(req).status(500)
    html_page = wants_html(req)
    views = frame_views(exc, redactor, with_locals=html_page)
    facts = _request_facts(req, redactor)
    if not html_page:
        return response.json(
            {
                "status": "error",
                "message": "Internal server error",
                "exception": exc_type,
                "detail": message,
                "traceback": full.splitlines(),
                "frames": _frames_json(views),
                "request": facts,
            }
        )
    route_rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{html.escape(shown['value'])}</td><td>{html.escape(shown['type'])}</td></tr>"
        for name, shown in facts.pop("route_parameters").items()
    )
    page = _PAGE.format(
        title=html.escape(f"{exc_type}: {message}"[:200]),
        exc_type=html.escape(exc_type),
        method=html.escape(req.method),
        path=html.escape(req.path),
        message=html.escape(message),
        frames=_frames_html(views),
        route_rows=route_rows,
        request_rows=_rows(facts),
        query_rows=_rows(
            [(name, _masked(name, str(value))) for name, value in req.query_params.multi_items()]
        ),
        header_rows=_rows([(name, _masked(name, value)) for name, value in req.headers.items()]),
        full=html.escape(full),
        app_name=html.escape(str(app.get_conf("APP_NAME", ""))),
        surge_version=html.escape(__version__),
        python_version=html.escape(platform.python_version()),
    )
    response.body = page.encode("utf-8")
    response.media_type = "text/html; charset=utf-8"
    return response
