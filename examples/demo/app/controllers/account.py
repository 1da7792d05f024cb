"""Login page, a protected page and a role-protected API, with the auth and security extensions."""

from typing import Any

from pydantic import BaseModel, Field

from surge import HttpStatus, MediaType, Request, Response
from surge.auth import AuthenticationException
from surge.controller import Controller, Descriptor, consumes, get, open_api_docs, path, post, produces
from surge.exceptions import ExceptionHandler, handles
from surge.security import flash, rate_limit, rotate_csrf_token, safe_redirect_target

from app.authentication import SESSION_USER_KEY, USERS, USERS_BY_NAME, UserRoles, auth


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=200)


def user_and_hash(credentials: Credentials) -> tuple[Any, str | None]:
    """The user named in ``credentials`` and their hash (None, None for unknown names).

    Checking against a None hash still costs a full hash, so response times do not reveal
    which user names exist.
    """
    user = USERS_BY_NAME.get(credentials.username)
    return user, (user.password_hash if user is not None else None)


@path("/account", tags=["Account"])
class AccountController(Controller):
    @get("/login")
    @produces(MediaType.TEXT_HTML)
    async def login_form(self, req: Request) -> Response:
        """The login page (the form carries the CSRF token)."""
        return await req.response.html("login.html", {"next": req.query_params.get("next", "")})

    @post("/login", status_code=HttpStatus.SEE_OTHER)
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    @rate_limit("5/minute")
    async def login(self, req: Request, credentials: Credentials) -> Response:
        """Check the password, then start a fresh session (new id, new CSRF token)."""
        user, password_hash = user_and_hash(credentials)
        if not await auth.check_password_hash_async(credentials.password, password_hash) or user is None:
            flash("Wrong username or password.", "error")
            return req.response.redirect(self.app.url_for("AccountController.login_form"))
        req.session.rotate()
        rotate_csrf_token(req)
        req.session[SESSION_USER_KEY] = user.id
        flash(f"Welcome back, {user.fullname}!", "success")
        # Never an open redirect: `next` is followed only when it is a path on this site.
        target = safe_redirect_target(str((await req.form()).get("next") or ""),
                                      default=self.app.url_for("AccountController.profile"))
        return req.response.redirect(target)

    @get("/")
    @produces(MediaType.TEXT_HTML)
    @open_api_docs(Descriptor(status=HttpStatus.SEE_OTHER, description="Not logged in: to the login page"))
    @auth.login_required
    async def profile(self, req: Request) -> Response:
        """The protected page: only for logged-in users."""
        return await req.response.html("account.html", {"user": req.user})

    @post("/logout", status_code=HttpStatus.SEE_OTHER)
    async def logout(self, req: Request) -> Response:
        """End the session."""
        req.session.invalidate()
        return req.response.redirect(self.app.url_for("AccountController.login_form"))


class AdminStats(BaseModel):
    users: int
    admins: list[str]


@path("/api", tags=["Auth API"])
class AuthApi(Controller):
    @post("/auth/token")
    @consumes(MediaType.APPLICATION_JSON)
    @open_api_docs(Descriptor(status=HttpStatus.UNAUTHORIZED, description="Wrong username or password"))
    @rate_limit("5/minute")
    async def token(self, req: Request, credentials: Credentials) -> Response:
        """Exchange a username and password for a bearer token (JWT, one hour)."""
        user, password_hash = user_and_hash(credentials)
        if not await auth.check_password_hash_async(credentials.password, password_hash) or user is None:
            return req.response.json({"status": "error", "message": "Wrong username or password"}).status(401)
        token = auth.create_jwt_token({"sub": str(user.id)})
        return req.response.json({"access_token": token, "token_type": "bearer", "expires_in": 3600})

    @get("/admin/stats")
    @auth.login_required
    @auth.role_required(UserRoles.ADMIN)
    async def admin_stats(self, req: Request) -> Response[AdminStats]:
        """Admins only: a bearer token or the session of an admin."""
        admins = [user.username for user in USERS.values() if UserRoles.ADMIN in user.roles]
        return req.response.json(AdminStats(users=len(USERS), admins=admins))


class AccountExceptionHandler(ExceptionHandler):
    @handles(AuthenticationException)
    async def login_required(self, req: Request, exc: AuthenticationException) -> Response:
        """Pages send the browser to the login page; the API answers 401 JSON."""
        if req.path.startswith("/account"):
            login = self.app.url_for("AccountController.login_form", next=req.path)
            return req.response.redirect(login)
        response = req.response.json(exc.to_dict()).status(HttpStatus.UNAUTHORIZED)
        for name, value in exc.headers.items():
            response.set_header(name, value)
        return response
