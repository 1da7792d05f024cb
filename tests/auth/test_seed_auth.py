"""The seed README's user authentication: the user loader, role check, decorators, messages and helpers.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: SQLite files in ``tmp_path``."""

from __future__ import annotations

from surge.testing import TestClient

from seed_project import SeedProject, auth_project


async def seed_users(project: SeedProject) -> None:
    db = project.module("extensions").db
    models = project.module("api.models.user_model")
    await db.create_all()
    async with db.create_session() as session:
        admin = models.User(fullname="Ann Admin", email="ann@example.com")
        admin.roles.append(models.Role(role="admin"))
        plain = models.User(fullname="Bob User", email="bob@example.com")
        plain.roles.append(models.Role(role="user"))
        session.add_all([admin, plain])
        await session.commit()


async def test_auth_seed_user_loader_role_check_and_decorators(project, tmp_path):
    auth_project(project, f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}")
    app = project.application()
    auth = project.module("authentication").auth
    async with TestClient(app) as client:
        await seed_users(project)
        admin_cookie = {"cookie": f"theme=dark; auth_cookie={auth.create_signed_cookie_value(1)}"}
        user_cookie = {"cookie": f"auth_cookie={auth.create_signed_cookie_value(2)}"}

        res = await client.get("/api/v1/users/2")
        assert res.status_code == 401 and res.json()["message"] == "Login required"
        res = await client.get("/api/v1/users/2", headers={"cookie": "auth_cookie=forged.value"})
        assert res.status_code == 401
        res = await client.get("/api/v1/users/1", headers=user_cookie)
        assert res.status_code == 403 and res.json()["message"] == "Missing user role(s)"
        res = await client.get("/api/v1/users/2", headers=admin_cookie)
        assert res.status_code == 200
        assert res.json() == {"id": 2, "fullname": "Bob User", "email": "bob@example.com"}
        res = await client.get("/api/v1/users/me", headers=user_cookie)
        assert res.json() == {"fullname": "Bob User"}  # login_required attaches req.user

        # the controller-class update: guards run before @before_request, top to bottom
        assert (await client.get("/api/v1/admin/dashboard")).status_code == 401
        assert (await client.get("/api/v1/admin/dashboard", headers=user_cookie)).status_code == 403
        res = await client.get("/api/v1/admin/dashboard", headers=admin_cookie)
        assert res.status_code == 200 and res.json() == {"before": "Ann Admin"}


async def test_auth_messages_config_and_exception_handler(project, tmp_path):
    auth_project(
        project,
        f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}",
        handler=True,
        section='AUTHENTICATION: dict[str, Any] = {"AUTHENTICATION_ERROR_MESSAGE": "Please log in",'
        ' "UNAUTHORIZED_ERROR_MESSAGE": "Admins only"}',
    )
    app = project.application()
    auth = project.module("authentication").auth
    async with TestClient(app) as client:
        await seed_users(project)
        res = await client.get("/api/v1/users/1")
        assert res.status_code == 401 and res.json() == {"handled": "login", "message": "Please log in"}
        res = await client.get("/api/v1/users/1", headers={"cookie": f"auth_cookie={auth.create_signed_cookie_value(2)}"})
        assert res.status_code == 403 and res.json() == {"handled": "roles", "message": "Admins only"}


async def test_auth_helper_methods(project, tmp_path):
    auth_project(project, f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}")
    project.application()
    auth = project.module("authentication").auth
    signed = auth.create_signed_cookie_value("42")
    assert signed != "42" and auth.decode_signed_cookie(signed) == "42"
    assert auth.decode_signed_cookie(signed[:-2] + "xx") is None
    hashed = auth.create_password_hash("correct horse")
    assert hashed != "correct horse"
    assert auth.check_password_hash("correct horse", hashed) is True
    assert auth.check_password_hash("wrong", hashed) is False
    token = auth.create_jwt_token({"sub": "1", "role": "admin"})
    claims = auth.validate_jwt_token(token)
    assert claims["sub"] == "1" and claims["role"] == "admin"
    assert claims["exp"] - claims["iat"] == 3600  # expires_in default
    assert auth.validate_jwt_token(token + "x") is None
    short = auth.create_jwt_token({"sub": "1"}, expires_in=1)
    short_claims = auth.validate_jwt_token(short)
    assert short_claims["exp"] - short_claims["iat"] == 1
