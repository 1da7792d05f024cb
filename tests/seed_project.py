"""The seed project the ``test_seed_*`` extension tests write and run (the ``project`` fixture).

Each test writes the seed's own code (PyJolt README 000, its revision 001, Patera 002;
``pyjolt`` -> ``surge``) into a throw-away ``app`` package under ``tmp_path`` (imports of
``app.`` point at it), builds the seed's ``Application`` from its ``Config`` and drives it the
way a user would: requests through the test client, ``app.run_cli([...])`` for commands. The
SQL and authentication snippets live here because later sections (auth, OpenAPI, the AI
interface) build on them.
"""

from __future__ import annotations

import importlib
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest


class SeedProject:
    """An importable package written from the seed's snippets; ``app.`` imports point at it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.name = f"seedapp_{uuid.uuid4().hex[:10]}"
        self.package = root / self.name
        self.package.mkdir()
        (self.package / "__init__.py").write_text("")

    def write(self, relative: str, source: str) -> Path:
        """Write ``source`` (seed code; ``app.`` means this package) to ``relative``."""
        target = self.package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = target.parent
        while folder != self.package:
            init = folder / "__init__.py"
            if not init.exists():
                init.write_text("")
            folder = folder.parent
        text = textwrap.dedent(source).replace("from app.", f"from {self.name}.").replace("'app.", f"'{self.name}.")
        target.write_text(text.replace('"app.', f'"{self.name}.'))
        return target

    def config(self, body: str, imports: str = "") -> None:
        """``app/configs.py`` and ``app/__init__.py`` of the seed's blank start."""
        self.write(
            "configs.py",
            "import os\nfrom typing import Any\nfrom surge import BaseConfig\n"
            + textwrap.dedent(imports)
            + "\n\nclass Config(BaseConfig):\n"
            + '    APP_NAME: str = "Seed app"\n'
            + '    SECRET_KEY: str = "some-super-secret-key-for-the-seed-tests"\n'
            + "    BASE_PATH: str = os.path.dirname(__file__)\n"
            + textwrap.indent(textwrap.dedent(body), "    "),
        )
        (self.package / "__init__.py").write_text(
            f"from {self.name}.configs import Config\n"
            "from surge import Surge, app\n\n\n"
            "@app(__name__, configs=Config)\n"
            "class Application(Surge):\n"
            "    pass\n"
        )

    def module(self, relative: str) -> Any:
        """Import ``relative`` (``"extensions"``) from the package."""
        return importlib.import_module(f"{self.name}.{relative}")

    def application(self) -> Any:
        """A new ``Application()`` (the seed's ``app = Application()``)."""
        return importlib.import_module(self.name).Application()


SQL_EXTENSIONS = """
    from surge.database.sql import SqlDatabase
    from surge.database.sql.migrate import Migrate

    db: SqlDatabase = SqlDatabase(db_name="db", configs_name="SQL_DATABASE") #"db" and "SQL_DATABASE" is the default so they can be omitted
    migrate: Migrate = Migrate(db, command_prefix="")
"""


USER_MODEL = """
    from sqlalchemy import Integer, String, ForeignKey
    from sqlalchemy.orm import mapped_column, Mapped, relationship

    from surge.database import create_declerative_base

    Base = create_declerative_base("db") #passed argument must be the same as the database name you wish to
                                        #use the model with. Default is "db" so it can be omitted.

    class User(Base):
        \"\"\"
        User model
        \"\"\"
        __tablename__: str = "users{suffix}"

        id: Mapped[int] = mapped_column(primary_key=True)
        fullname: Mapped[str] = mapped_column(String(30))
        email: Mapped[str] = mapped_column(String(50), unique=True)
        roles: Mapped[list["Role"]] = relationship(back_populates="user", lazy="selectin")


    class Role(Base):
        \"\"\"The Role model the seed's role_check assumes (one-to-many, "not shown").\"\"\"
        __tablename__: str = "roles{suffix}"

        id: Mapped[int] = mapped_column(primary_key=True)
        role: Mapped[str] = mapped_column(String(20))
        user_id: Mapped[int] = mapped_column(ForeignKey("users{suffix}.id"))
        user: Mapped[User] = relationship(back_populates="roles")
"""


USERS_API = """
    from typing import Optional

    from pydantic import BaseModel

    from surge import Request, Response, HttpStatus, MediaType
    from surge.controller import Controller, path, get, post, consumes, produces
    from surge.database import AsyncSession

    from app.extensions import db
    from app.api.models.user_model import User


    class UserData(BaseModel):
        id: Optional[int] = None
        fullname: str
        email: Optional[str] = None


    @path("/api/v1/users")
    class UsersApi(Controller):

        @post("/")
        @consumes(MediaType.APPLICATION_JSON)
        @produces(MediaType.APPLICATION_JSON)
        @db.managed_session
        async def create_user(self, req: Request, user_data: UserData, session: AsyncSession) -> Response[UserData]:
            \"\"\"Creates new user\"\"\"
            user: User = User(fullname=user_data.fullname, email=user_data.email)
            session.add(user)
            await session.flush() #to get the new users id.
            return req.response.json(UserData(id=user.id, fullname=user.fullname)).status(HttpStatus.OK)

        @get("/<int:user_id>")
        @consumes(MediaType.APPLICATION_JSON)
        @produces(MediaType.APPLICATION_JSON)
        @db.readonly_session
        async def get_user(self, req: Request, user_id: int, session: AsyncSession) -> Response[UserData]:
            \"\"\"Returns a user by user_id\"\"\"
            user: User = await User.query(session).filter_by(id=user_id).first()
            return req.response.json(UserData(id=user_id, fullname=user.fullname)).status(HttpStatus.OK)

        @post("/readonly")
        @consumes(MediaType.APPLICATION_JSON)
        @db.readonly_session
        async def sneaky_write(self, req: Request, user_data: UserData, session: AsyncSession) -> Response:
            \"\"\"A write in a read-only session is never committed\"\"\"
            session.add(User(fullname=user_data.fullname, email=user_data.email))
            await session.flush()
            return req.response.json({"flushed": True}).status(HttpStatus.OK)

        @post("/fail")
        @consumes(MediaType.APPLICATION_JSON)
        @db.managed_session
        async def failing_create(self, req: Request, user_data: UserData, session: AsyncSession) -> Response:
            \"\"\"Raises after the insert: the managed session rolls back\"\"\"
            session.add(User(fullname=user_data.fullname, email=user_data.email))
            await session.flush()
            raise RuntimeError("boom after the insert")
"""


def sql_project(project: SeedProject, uri: str, suffix: str = "", **section: Any) -> None:
    project.write("extensions.py", SQL_EXTENSIONS)
    project.write("api/models/user_model.py", USER_MODEL.replace("{suffix}", suffix))
    project.write("api/users/user_api.py", USERS_API)
    keys = {"DATABASE_URI": uri, "SESSION_NAME": "session", "SHOW_SQL": False, **section}
    project.config(
        f"""
        SQL_DATABASE: dict[str, Any] = {keys!r}
        EXTENSIONS: list[str] = ['app.extensions:db', 'app.extensions:migrate']
        MODELS: list[str] = ['app.api.models.user_model:User', 'app.api.models.user_model:Role']
        CONTROLLERS: list[str] = ['app.api.users.user_api:UsersApi']
        DEBUG: bool = False
        """
    )


def run_cli(app: Any, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = app.run_cli(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    return out.out


AUTHENTICATION = """
    from enum import StrEnum
    from typing import Optional
    from surge import Request
    from surge.auth import Authentication

    from app.extensions import db
    from app.api.models.user_model import User

    class UserRoles(StrEnum):
        ADMIN = "admin"
        SUPERUSER = "superuser"
        USER = "user"

    class Auth(Authentication):

        async def user_loader(self, req: Request) -> Optional[User]:
            \"\"\"Loads user from the provided cookie\"\"\"
            cookie_header = req.headers.get("cookie", "")
            if cookie_header:
                # Split the cookie string on semicolons and equals signs to extract individual cookies
                cookies = dict(cookie.strip().split('=', 1) for cookie in cookie_header.split(';'))
                auth_cookie = cookies.get("auth_cookie")
                if auth_cookie:
                    user_id = self.decode_signed_cookie(auth_cookie)
                    if user_id:
                        session = db.create_session()
                        user = await User.query(session).filter_by(id=user_id).first()
                        await session.close()
                        return user
            return None

        async def role_check(self, user: User, roles: list[UserRoles]) -> bool:
            \"\"\"Checks intersection of user roles and required roles\"\"\"
            user_roles = set([role.role for role in user.roles])
            return len(user_roles.intersection(set(roles))) > 0

    auth: Auth = Auth()
"""


AUTH_API = """
    from typing import Optional

    from pydantic import BaseModel

    from surge import Request, Response, HttpStatus, MediaType
    from surge.auth import login_required, role_required
    from surge.controller import Controller, path, get, produces, before_request

    from app.extensions import db
    from app.authentication import auth, UserRoles
    from app.api.models.user_model import User


    class UserData(BaseModel):
        id: int
        fullname: str
        email: Optional[str] = None


    @path("/api/v1/users")
    class UsersApi(Controller):

        @get("/<int:user_id>")
        @produces(MediaType.APPLICATION_JSON)
        @auth.login_required
        @auth.role_required(UserRoles.ADMIN, UserRoles.SUPERUSER)
        async def get_user(self, req: Request, user_id: int) -> Response[UserData]:
            \"\"\"Returns a user by user_id\"\"\"
            session = db.create_session()
            user: User = await User.query(session).filter_by(id=user_id).first()
            await session.close()

            return req.response.json(UserData(id=user_id, fullname=user.fullname, email=user.email)).status(HttpStatus.OK)

        @get("/me")
        @auth.login_required
        async def me(self, req: Request) -> Response:
            \"\"\"The logged-in user (req.user)\"\"\"
            return req.response.json({"fullname": req.user.fullname})


    @path("/api/v1/admin", tags=["Users"])
    @login_required
    @role_required(UserRoles.ADMIN)
    class AdminApi(Controller):
        \"\"\"All endpoints are protected\"\"\"

        @before_request
        async def before_request_method(self, req: Request):
            req.state.user_seen_in_before_request = req.user.fullname

        @get("/dashboard")
        async def dashboard(self, req: Request) -> Response:
            return req.response.json({"before": req.state.user_seen_in_before_request})
"""


AUTH_EXCEPTION_HANDLER = """
    from surge import Request, Response
    from surge.auth import AuthenticationException, UnauthorizedException
    from surge.exceptions import ExceptionHandler, handles

    class CustomExceptionHandler(ExceptionHandler):
        @handles(AuthenticationException)
        async def not_logged_in(self, req: Request, exc: AuthenticationException) -> Response:
            return req.response.json({"handled": "login", "message": exc.message}).status(exc.status_code)

        @handles(UnauthorizedException)
        async def missing_roles(self, req: Request, exc: UnauthorizedException) -> Response:
            return req.response.json({"handled": "roles", "message": exc.message}).status(exc.status_code)
"""


def auth_project(project: SeedProject, uri: str, handler: bool = False, section: str = "") -> None:
    sql_project(project, uri)
    project.write("authentication.py", AUTHENTICATION)
    project.write("api/users/user_api.py", AUTH_API)
    project.write("api/exceptions/exception_handler.py", AUTH_EXCEPTION_HANDLER)
    handlers = "['app.api.exceptions.exception_handler:CustomExceptionHandler']" if handler else "[]"
    project.config(
        f"""
        SQL_DATABASE: dict[str, Any] = {{"DATABASE_URI": {uri!r}}}
        {section}
        EXTENSIONS: list[str] = [
            'app.extensions:db',
            'app.extensions:migrate',
            'app.authentication:auth'
        ]
        MODELS: list[str] = ['app.api.models.user_model:User', 'app.api.models.user_model:Role']
        CONTROLLERS: list[str] = ['app.api.users.user_api:UsersApi', 'app.api.users.user_api:AdminApi']
        EXCEPTION_HANDLERS: list[str] = {handlers}
        DEBUG: bool = False
        """
    )
