"""Cookie authentication: the user id travels in a signed cookie named ``shop_auth``."""

from typing import Optional

from pyjolt import Request
from pyjolt.auth import Authentication, AuthUtils
from pyjolt.database.sql import AsyncSession

from shop.extensions import db
from shop.models import User

COOKIE_NAME: str = "shop_auth"


def parse_cookie_header(header: str) -> dict[str, str]:
    """Splits a raw Cookie header into name -> value (values kept verbatim)."""
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        if "=" not in part:
            continue
        name, value = part.strip().split("=", 1)
        cookies[name] = value
    return cookies


class Auth(Authentication):
    """Loads the logged-in user from the signed cookie; roles come from ``User.role``."""

    @db.readonly_session
    async def user_loader(self, req: Request, session: AsyncSession) -> Optional[User]:
        cookies = parse_cookie_header(req.headers.get("cookie", ""))
        signed = cookies.get(COOKIE_NAME)
        if not signed:
            return None
        try:
            user_id = AuthUtils.decode_signed_cookie(signed, req.app.get_conf("SECRET_KEY"))
        except ValueError:
            return None
        return await User.query(session).filter_by(id=int(user_id)).first()

    async def role_check(self, user: User, roles: list[str]) -> bool:
        return user.role in roles
