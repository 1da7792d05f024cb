"""The ``STATE_MACHINE`` config section, validated once at startup."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from pydantic import BaseModel, ConfigDict, Field, field_validator

from surge._imports import import_string
from surge.exceptions.config import ImproperlyConfigured
from surge.state_machine.state_machine_controller import TransitionRequestData

__all__ = ["StateMachineConfig", "StateMachineSettings"]


def _import(value: object, key: str) -> object:
    """A ``"module:attribute"`` string imported; anything else as given."""
    if not isinstance(value, str):
        return value
    try:
        return import_string(value, key)
    except ImproperlyConfigured as exc:  # reported as SECTION.KEY by the section's validation
        raise ValueError(str(exc)) from None


class StateMachineSettings(BaseModel):
    """Keys of a state machine's section (``STATE_MACHINE`` unless renamed).

    Unknown keys are refused, so a typo fails at startup naming it.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    API_URL: str = Field("/api/v1/state-machine", description="URL prefix of the transition endpoint")
    INCLUDE_OPEN_API: bool = Field(True, description="Document the transition endpoint in the OpenAPI document")
    USE_AUTH: bool = Field(True, description="Require a logged-in user (needs an Authentication extension)")
    TRANSITION_DATA: type[BaseModel] = Field(
        TransitionRequestData,
        description="Request model (a TransitionRequestData subclass, or its 'module:Class' path)",
    )
    RESPONSE_MODEL: type[BaseModel] | None = Field(
        None, description="Documented body of a successful transition when step methods answer their own"
    )
    MODEL: type[Any] | None = Field(
        None, description="SQLAlchemy model whose column holds the state (class or 'module:Class'); None: not persisted"
    )
    STATE_COLUMN: str = Field("state", description="The MODEL attribute holding the state")
    ID_FIELD: str = Field(
        "id", description="Where the entity's primary key is in the request: a TRANSITION_DATA field, else a key of data"
    )
    DATABASE: str | None = Field(
        None, description="Config section of the SqlDatabase holding MODEL (default: the app's first SqlDatabase)"
    )
    HISTORY: bool = Field(False, description="Record every transition (who, when, from, to, step) in HISTORY_TABLE")
    HISTORY_TABLE: str = Field("state_machine_transitions", description="Table of the transition history")

    @field_validator("TRANSITION_DATA", "RESPONSE_MODEL", "MODEL", mode="before")
    @classmethod
    def _imported(cls, value: object, info: Any) -> object:
        return _import(value, info.field_name)

    @field_validator("TRANSITION_DATA")
    @classmethod
    def _request_model(cls, value: type[BaseModel]) -> type[BaseModel]:
        if "step" not in value.model_fields:
            raise ValueError(f"{value.__name__} has no 'step' field (subclass TransitionRequestData)")
        return value

    @field_validator("API_URL")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"must start with '/' (got {value!r})")
        return value.rstrip("/")


class StateMachineConfig(TypedDict):
    """The ``STATE_MACHINE`` section, for typing a config class's dict."""

    API_URL: NotRequired[str]
    INCLUDE_OPEN_API: NotRequired[bool]
    USE_AUTH: NotRequired[bool]
    TRANSITION_DATA: NotRequired[type[BaseModel] | str]
    RESPONSE_MODEL: NotRequired[type[BaseModel] | str | None]
    MODEL: NotRequired[type[Any] | str | None]
    STATE_COLUMN: NotRequired[str]
    ID_FIELD: NotRequired[str]
    DATABASE: NotRequired[str | None]
    HISTORY: NotRequired[bool]
    HISTORY_TABLE: NotRequired[str]
