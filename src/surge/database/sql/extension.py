"""``SqlDatabase``: an async SQLAlchemy engine and sessions for one database of the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, InvalidRequestError, NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from surge.database.sql.config import SqlDatabaseConfig
from surge.database.sql.errors import install_error_handlers
from surge.database.sql.lazy_begin import enable_lazy_begin, lazy_begin_supported
from surge.database.sql.outage import OutageMonitor, install_engine_hooks
from surge.database.sql.sessions import ReadOnlySyncSession, session_decorator
from surge.exceptions.config import ImproperlyConfigured, MissingDependency
from surge.extension import BaseExtension, require
from surge.roles import ReadinessProbe

if TYPE_CHECKING:
    from sqlalchemy.engine.interfaces import DBAPIConnection
    from sqlalchemy.pool import ConnectionPoolEntry

    from surge.app import Surge

__all__ = ["SqlDatabase"]

F = TypeVar("F", bound=Callable[..., Any])

_SURGE_DRIVERS = frozenset({"aiosqlite", "asyncpg"})  # installed by the "sql" extra


def _enable_sqlite_foreign_keys(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _refuse_closed_asyncpg(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, _proxy: object) -> None:
    # asyncpg sees the server close a socket (restart, terminated backend, cut proxy) as it
    # happens, so a pooled connection knows it is dead: the pool replaces it without the three
    # round trips (BEGIN, ping, ROLLBACK) that a pre-ping costs on every checkout.
    if record.driver_connection is None or record.driver_connection.is_closed():
        raise DisconnectionError("the pooled asyncpg connection is closed")


_DEFAULT_NAME = "db"
_DEFAULT_SECTION = "SQL_DATABASE"


def _default_db_name(configs_name: str) -> str:
    """``"db"`` for the default section (the README's name), else the section in lower case."""
    return _DEFAULT_NAME if configs_name == _DEFAULT_SECTION else configs_name.lower()


@dataclass(frozen=True, slots=True)
class _Bound:
    """What ``configure`` builds for the app: the section, the engine and its session factories."""

    config: SqlDatabaseConfig
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    readonly_sessions: async_sessionmaker[AsyncSession]


class SqlDatabase(BaseExtension[SqlDatabaseConfig], ReadinessProbe):
    """One SQL database: engine, session factory and the session decorators.

    Args:
        db_name: the name that :func:`create_declarative_base` gives this database's models
            (default: ``"db"`` for the ``SQL_DATABASE`` section, else the section in lower
            case, e.g. ``"other_db"``). Models may also use the section's lower-case name
            (``create_declarative_base("sql_database")``, PyJolt's default), and a database
            left with the default name answers to ``"db"`` when no other one does.
        configs_name: the config section to read (default ``SQL_DATABASE``).

    One object serves one app at a time: ``init_app`` on a second app rebinds it. Use a
    second ``SqlDatabase`` (another ``configs_name`` and ``db_name``) for a second database.
    """

    config_model = SqlDatabaseConfig

    def __init__(self, db_name: str | None = None, configs_name: str = "SQL_DATABASE") -> None:
        super().__init__(configs_name)
        self._named = db_name is not None
        self._db_name = db_name if db_name is not None else _default_db_name(configs_name)
        self._bound: _Bound | None = None
        self._db_names: tuple[str, ...] | None = None

    # -- setup ------------------------------------------------------------------------------
    def configure(self, app: Surge, config: SqlDatabaseConfig) -> None:
        """Build the engine (it connects at startup) and install the database error responses.

        Raises:
            ImproperlyConfigured: the URL is malformed, names an unknown dialect or a sync
                driver; the message names ``SECTION.DATABASE_URI``.
            MissingDependency: the URL's driver is not installed.
        """
        self._db_names = None  # a rebound object decides its names again, for this app
        engine = self._create_engine(config)
        shown = engine.url.render_as_string(hide_password=True)
        monitor = OutageMonitor(f"{self.configs_name} ({shown})", config.UNAVAILABLE_RETRY_AFTER, app.logger)
        install_engine_hooks(engine, monitor)
        self._bound = _Bound(
            config,
            engine,
            async_sessionmaker(engine, expire_on_commit=False),
            async_sessionmaker(engine, expire_on_commit=False, sync_session_class=ReadOnlySyncSession),
        )
        install_error_handlers(app)

    def _state(self) -> _Bound:
        self.app  # noqa: B018 - the one "bound to an app" check
        assert self._bound is not None  # configure() sets it right after binding
        return self._bound

    def _create_engine(self, config: SqlDatabaseConfig) -> AsyncEngine:
        key = f"{self.configs_name}.DATABASE_URI"
        options: dict[str, Any] = {
            "echo": config.SHOW_SQL,
            "pool_recycle": config.POOL_RECYCLE,
        }
        for option, value in (
            ("pool_size", config.POOL_SIZE),
            ("max_overflow", config.MAX_OVERFLOW),
            ("pool_timeout", config.POOL_TIMEOUT),
        ):
            if value is not None:
                options[option] = value
        options.update(config.ENGINE_OPTIONS)
        try:
            url = make_url(config.DATABASE_URI)
        except ArgumentError:
            raise ImproperlyConfigured(
                f"{key}: {config.DATABASE_URI!r} is not a database URL "
                "(expected e.g. sqlite+aiosqlite:///./app.db or postgresql+asyncpg://user:pass@host/db)"
            ) from None
        shown = url.render_as_string(hide_password=True)
        pre_ping = config.POOL_PRE_PING
        # PERF: a ping per checkout costs a thread hop on aiosqlite and protects nothing there;
        # on asyncpg a closed-socket check at checkout does the same job without round trips.
        asyncpg_check = pre_ping is None and url.get_driver_name() == "asyncpg"
        default_ping = url.get_backend_name() != "sqlite" and not asyncpg_check
        options.setdefault("pool_pre_ping", pre_ping if pre_ping is not None else default_ping)
        if url.get_driver_name() in _SURGE_DRIVERS:
            try:
                require(url.get_driver_name(), "sql")
            except MissingDependency as error:
                error.args = (f"{key} ({url.drivername}): {error.args[0]}",)
                raise
        try:
            engine = create_async_engine(url, **options)
        except NoSuchModuleError:
            raise ImproperlyConfigured(
                f"{key}: unknown database dialect {url.drivername!r} in {shown}"
            ) from None
        except ImportError as exc:  # a driver that no Surge extra installs
            package = exc.name or url.get_driver_name()
            raise ImproperlyConfigured(
                f"{key}: the driver of {url.drivername!r} is not installed ({exc}); install the {package!r} package"
            ) from exc
        except InvalidRequestError as exc:
            raise ImproperlyConfigured(
                f"{key}: {url.drivername!r} is not an async driver ({exc}); "
                "use sqlite+aiosqlite:// or postgresql+asyncpg://"
            ) from None
        except (TypeError, ArgumentError) as exc:
            raise ImproperlyConfigured(
                f"{self.configs_name}: cannot create the engine for {shown}: {exc}"
            ) from None
        if url.get_backend_name() == "sqlite" and config.SQLITE_FOREIGN_KEYS:
            event.listen(engine.sync_engine, "connect", _enable_sqlite_foreign_keys)
        if asyncpg_check and not options["pool_pre_ping"]:
            event.listen(engine.sync_engine.pool, "checkout", _refuse_closed_asyncpg)
        return engine

    async def startup(self) -> None:
        """Open a first connection (a wrong URI fails here, naming it); create tables if ``CREATE_ALL``.

        Raises:
            ImproperlyConfigured: the database cannot be reached.
        """
        engine = self.engine
        try:
            async with engine.connect() as connection:
                await connection.exec_driver_sql("SELECT 1")
        except Exception as exc:
            shown = engine.url.render_as_string(hide_password=True)
            raise ImproperlyConfigured(
                f"{self.configs_name}.DATABASE_URI: cannot connect to {shown}: {type(exc).__name__}: {exc}"
            ) from exc
        if lazy_begin_supported(engine, self.config.ENGINE_OPTIONS):
            await enable_lazy_begin(engine)  # read-only sessions: no BEGIN/ROLLBACK until a write
        if self.config.CREATE_ALL:
            await self.create_all()

    async def check_ready(self) -> None:
        """``SELECT 1`` on a pooled connection (``/readyz``); raises when the database does not answer."""
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")

    async def shutdown(self) -> None:
        """Close every pooled connection."""
        if self._bound is not None:
            await self._bound.engine.dispose()

    # -- what the app and handlers use --------------------------------------------------------
    @property
    def db_name(self) -> str:
        """The name models use to pick this database (``create_declarative_base(db_name)``)."""
        return self._db_name

    @property
    def db_names(self) -> tuple[str, ...]:
        """Every name this database's models may use: ``db_name``, the section in lower case,
        and ``"db"`` when the name was left default and no other database of the app is "db".

        Decided on first use (at startup, once every extension is registered).
        """
        if self._db_names is None:
            names = [self._db_name, self.configs_name.lower()]
            others = [ext for ext in set(self.app.extensions.values()) if isinstance(ext, SqlDatabase) and ext is not self]
            if not self._named and all(_DEFAULT_NAME not in (o.db_name, o.configs_name.lower()) for o in others):
                names.append(_DEFAULT_NAME)
            self._db_names = tuple(dict.fromkeys(names))
        return self._db_names

    @property
    def nice_name(self) -> str:
        """``NICE_NAME`` (for admin views), else ``db_name``."""
        return self.config.NICE_NAME or self._db_name

    @property
    def config(self) -> SqlDatabaseConfig:
        """The validated config section."""
        return self._state().config

    @property
    def session_name(self) -> str:
        """The handler argument the session decorators inject (``SESSION_NAME``)."""
        return self.config.SESSION_NAME

    @property
    def db_uri(self) -> str:
        """``DATABASE_URI``."""
        return self.config.DATABASE_URI

    @property
    def engine(self) -> AsyncEngine:
        """The async engine."""
        return self._state().engine

    @property
    def models(self) -> list[type]:
        """The classes of ``MODELS`` that belong to this database."""
        names = self.db_names
        return [model for model in self.app.models if getattr(model, "__db_name__", None) in names]

    @property
    def metadatas(self) -> list[MetaData]:
        """The metadata of this database's models (one per declarative base used in ``MODELS``).

        A base shared with another database's models (PyJolt's one ``DeclarativeBaseModel``) is
        narrowed to a copy without their tables, so ``create_all`` and autogenerate never put
        one database's tables into another.
        """
        found: list[MetaData] = []
        for model in self.models:
            metadata = getattr(model, "metadata", None)
            if isinstance(metadata, MetaData) and all(metadata is not known for known in found):
                found.append(metadata)
        return [self._own_tables(metadata) for metadata in found]

    def _own_tables(self, metadata: MetaData) -> MetaData:
        """``metadata`` itself, or a copy without the tables of other databases' models."""
        names = self.db_names
        foreign = {
            model.__table__.name
            for model in self.app.models
            if getattr(model, "metadata", None) is metadata
            and getattr(model, "__db_name__", None) not in names
            and hasattr(model, "__table__")
        }
        if not foreign:
            return metadata
        narrowed = MetaData(naming_convention=metadata.naming_convention)
        for table in metadata.sorted_tables:
            if table.name not in foreign:
                table.to_metadata(narrowed)
        return narrowed

    def sessionmaker(self, readonly: bool = False) -> async_sessionmaker[AsyncSession]:
        """The factory behind :meth:`create_session` (``readonly``: :meth:`create_readonly_session`).

        The session decorators take it once at startup, so a request calls it directly.
        """
        state = self._state()
        return state.readonly_sessions if readonly else state.sessions

    def create_session(self) -> AsyncSession:
        """A new session for manual use; the caller must close it (``async with`` does).

        Prefer ``@managed_session`` / ``@readonly_session`` in endpoints.
        """
        return self._state().sessions()

    def create_readonly_session(self) -> AsyncSession:
        """A new session whose ``commit()`` raises; closing it discards any write."""
        return self._state().readonly_sessions()

    async def create_all(self) -> None:
        """Create the missing tables of this database's models (no migrations)."""
        async with self.engine.begin() as connection:
            for metadata in self.metadatas:
                await connection.run_sync(metadata.create_all)

    async def drop_all(self) -> None:
        """Drop the tables of this database's models."""
        async with self.engine.begin() as connection:
            for metadata in self.metadatas:
                await connection.run_sync(metadata.drop_all)

    # -- decorators -------------------------------------------------------------------------
    def managed_session(self, func: F) -> F:
        """Inject a session as ``SESSION_NAME``; commit when the function returns, roll back on
        any exception, always close. Works on endpoints (a compiled pipeline step) and on any
        other async function or method; an outer session of this database is reused."""
        return session_decorator(self, func, readonly=False)

    def readonly_session(self, func: F) -> F:
        """Inject a session as ``SESSION_NAME`` that never commits; anything written is rolled
        back when it closes. Works wherever :meth:`managed_session` does."""
        return session_decorator(self, func, readonly=True)

    def managed_session_for_cli(self, func: F) -> F:
        """:meth:`managed_session` for CLI command methods (PyJolt's name).

        ``app.run_cli()`` runs the app's startup and shutdown around a command, so the engine
        is connected before the command and disposed after it, as PyJolt's decorator does.
        """
        return session_decorator(self, func, readonly=False)

    def __repr__(self) -> str:
        return f"<SqlDatabase {self._db_name!r} ({self.configs_name})>"
