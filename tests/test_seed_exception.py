"""The seed README's ``surge.exception`` module path.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from surge.exceptions import BaseHttpException, CustomException, NotFound


def test_seed_exception_module_path() -> None:
    from surge.exception import BaseHttpException as Base2
    from surge.exception import CustomException as Custom2
    from surge.exception import NotFound as NotFound2

    assert (NotFound2, Base2, Custom2) == (NotFound, BaseHttpException, CustomException)
