"""Authentication as the seed shows it: an Authentication subclass with user_loader and role_check.

The demo keeps two users in memory, with argon2 password hashes as a database would store
them (passwords: ``ann-demo-password`` for the admin, ``bob-demo-password`` for a user).
Browsers log in through the login page (the user id goes into the session); API clients
send ``Authorization: Bearer <token>`` from ``POST /api/auth/token``.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Optional

from surge import Request
from surge.auth import Authentication, bearer_token


class UserRoles(StrEnum):
    ADMIN = "admin"
    USER = "user"


@dataclass(frozen=True)
class DemoUser:
    id: int
    username: str
    fullname: str
    roles: tuple[UserRoles, ...]
    password_hash: str


USERS = {
    1: DemoUser(1, "ann", "Ann Admin", (UserRoles.ADMIN, UserRoles.USER),
                "$argon2id$v=19$m=65536,t=3,p=4$jEDh49AL/sPJu9uf4a21ZA$GVpDRSWMQotBkLGZRw1QfOJqIxwK9zJArPQhfgLJC58"),
    2: DemoUser(2, "bob", "Bob User", (UserRoles.USER,),
                "$argon2id$v=19$m=65536,t=3,p=4$ctRmru93jGHcpKfeAbd1qQ$/PJR+AnKyIQaaOClAzpKwhKkr+wL25spJItMds4Zei0"),
}
USERS_BY_NAME = {user.username: user for user in USERS.values()}
SESSION_USER_KEY = "user_id"


def user_by_id(user_id: object) -> Optional[DemoUser]:
    """The user with ``user_id`` (an int, or its decimal string as JWTs carry it); None for anything else.

    Token claims and session values are data a client sent: check their type before use, so a
    strange value means "nobody logged in" rather than an error.
    """
    if isinstance(user_id, str) and user_id.isdecimal() and len(user_id) < 10:
        user_id = int(user_id)
    if type(user_id) is not int:  # bool is an int subclass: True must not mean user 1
        return None
    return USERS.get(user_id)


class Auth(Authentication):
    async def user_loader(self, req: Request) -> Optional[DemoUser]:
        """Loads the user from a bearer token (API clients) or from the session (browsers)."""
        token = bearer_token(req)
        if token is not None:
            claims = self.validate_jwt_token(token)
            return user_by_id(claims.get("sub")) if claims else None
        return user_by_id(req.session.get(SESSION_USER_KEY))

    async def role_check(self, user: DemoUser, roles: list[UserRoles]) -> bool:
        """Checks intersection of user roles and required roles"""
        return len(set(user.roles).intersection(set(roles))) > 0


auth: Auth = Auth()
