"""The database pages: overviews, and a list, detail, create, edit and delete page per model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from surge.admin import _meta
from surge.admin._errors import AdminNotFound, AdminPermissionError, UnknownModelError
from surge.admin._forms import (
    VERSION_FIELD,
    FieldSpec,
    apply_schema,
    form_fields,
    form_value,
    load_choices,
    parse_form,
    version_column,
)
from surge.admin._queries import (
    FILTER_PREFIX,
    columns_by_key,
    enum_values,
    filter_kind,
    is_searchable,
    key_filters,
    key_path,
    list_page,
    parse_list_params,
    table_counts,
)
from surge.admin.common_controller import CommonAdminController
from surge.admin.utilities import FormType, PermissionType, extract_table_columns
from surge.controller import get, post
from surge.http.request import Request
from surge.http.response import Response

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from surge.http.datastructures import MultiDict

__all__ = ["AdminDatabaseController", "AdminPermissionError", "PaginationModel", "UnknownModelError"]

_NOTICES = {"created": "Record created.", "updated": "Changes saved.", "deleted": "Record deleted."}
_MODEL = "/data/database/<string:db_name>/model/<string:model_name>"


class PaginationModel(BaseModel):
    """``?page=`` and ``?per_page=`` of a list."""

    page: int = Field(1, description="Requested page")
    per_page: int = Field(12, description="Requested number of results per page")


class AdminDatabaseController(CommonAdminController):
    """Database overviews and the record pages of the registered models."""

    async def check_permission(self, perm_type: PermissionType, req: Request, db_name: str, model_name: str) -> type[Any]:
        """The model, after the entry check and the hook for ``perm_type``.

        Raises:
            AdminEnterError, UnknownModelError, AdminPermissionError: as the checks decide.
        """
        await self.can_enter(req)
        self.dashboard.get_database(db_name)
        model = self.dashboard.get_model(db_name, model_name)
        if model is None:
            raise UnknownModelError(db_name, model_name)
        allowed = await self.dashboard.has_model_permission(perm_type, req, model)
        self.require(req, allowed, f"{perm_type.value} {model_name} records")
        return model

    def _model_url(self, db_name: str, model_name: str, suffix: str = "") -> str:
        return self.dashboard.renderer.url(f"/data/database/{db_name}/model/{model_name}{suffix}")

    # -- overviews --------------------------------------------------------------------------------
    @get("/databases")
    async def databases(self, req: Request) -> Response:
        """Every database with registered models: its tables and their row counts."""
        await self.can_enter(req)
        overview = [(database, await table_counts(database)) for database in self.dashboard.all_dbs]
        return await self.page(req, "databases.html", {"overview": overview})

    @get("/database/<string:db_name>")
    async def database(self, req: Request, db_name: str) -> Response:
        """One database: its tables with row counts and its registered models."""
        await self.can_enter(req)
        database = self.dashboard.get_database(db_name)
        return await self.page(req, "databases.html", {"overview": [(database, await table_counts(database))]})

    # -- list -------------------------------------------------------------------------------------
    @get(_MODEL)
    async def model_table(self, req: Request, db_name: str, model_name: str) -> Response:
        """The records of a model: search, sort, filters and pagination (one COUNT, one page query)."""
        model = await self.check_permission(PermissionType.CAN_VIEW, req, db_name, model_name)
        config = self.dashboard.configs
        params = parse_list_params(model, req.query_params, config.PER_PAGE, config.MAX_PER_PAGE)
        async with self.dashboard.get_database(db_name).create_session() as session:
            total, rows = await list_page(session, model, params)
        columns = columns_by_key(model)
        filters = [(key, kind, enum_values(col) if kind == "enum" else []) for key, col in columns.items() if (kind := filter_kind(col))]
        return await self.page(req, "model_list.html", {
            "db_name": db_name, "model_name": model_name, "model": model, "rows": rows, "total": total, "params": params,
            "pages": max(1, -(-total // params.per_page)), "key_path": key_path,
            "columns": extract_table_columns(model, exclude=_meta.excluded(model, "table")),
            "searchable": any(is_searchable(col) for col in columns.values()), "filters": filters, "filter_prefix": FILTER_PREFIX,
            "list_url": self._model_url(db_name, model_name),
            "can_create": await self.dashboard.has_create_permission(req, model),
            "can_update": await self.dashboard.has_update_permission(req, model),
            "can_delete": await self.dashboard.has_delete_permission(req, model),
            "notice": _NOTICES.get(str(req.query_params.get("notice", ""))),
        })

    # -- one record -------------------------------------------------------------------------------
    async def _record(self, session: AsyncSession, model: type[Any], attr_val: str) -> Any:
        record = (await session.execute(select(model).where(*key_filters(model, attr_val)))).scalar_one_or_none()
        if record is None:
            raise AdminNotFound(f"No {model.__name__} record with {attr_val}.")
        return record

    @get(_MODEL + "/record/<path:attr_val>")
    async def get_model_record(self, req: Request, db_name: str, model_name: str, attr_val: str) -> Response:
        """Every column of one record, with edit and delete buttons when allowed."""
        model = await self.check_permission(PermissionType.CAN_VIEW, req, db_name, model_name)
        async with self.dashboard.get_database(db_name).create_session() as session:
            record = await self._record(session, model, attr_val)
        return await self.page(req, "model_detail.html", {
            "db_name": db_name, "model_name": model_name, "record": record, "attr_val": attr_val,
            "columns": list(columns_by_key(model)), "list_url": self._model_url(db_name, model_name),
            "can_update": await self.dashboard.has_update_permission(req, model),
            "can_delete": await self.dashboard.has_delete_permission(req, model),
            "notice": _NOTICES.get(str(req.query_params.get("notice", ""))),
        })

    async def _form_page(self, req: Request, specs: list[FieldSpec], values: dict[str, str], status: int = 200,
                         **context: Any) -> Response:
        return await self.page(req, "model_form.html", {
            "specs": specs, "values": values, "errors": {}, "form_error": None, "version": None, **context,
        }, status)

    @get(_MODEL + "/create")
    async def create_form(self, req: Request, db_name: str, model_name: str) -> Response:
        """An empty create form."""
        model = await self.check_permission(PermissionType.CAN_CREATE, req, db_name, model_name)
        specs = form_fields(model, FormType.CREATE)
        async with self.dashboard.get_database(db_name).create_session() as session:
            await load_choices(session, specs)
        return await self._form_page(req, specs, {}, db_name=db_name, model_name=model_name, mode="create",
                                     action=self._model_url(db_name, model_name, "/create"),
                                     cancel=self._model_url(db_name, model_name))

    @post(_MODEL + "/create")
    async def create_model_record(self, req: Request, db_name: str, model_name: str) -> Response:
        """Create a record from the form; 422 with the errors beside the fields when it is invalid."""
        model = await self.check_permission(PermissionType.CAN_CREATE, req, db_name, model_name)
        form = await self.checked_form(req)
        specs = form_fields(model, FormType.CREATE)
        database = self.dashboard.get_database(db_name)
        context = {"db_name": db_name, "model_name": model_name, "mode": "create",
                   "action": self._model_url(db_name, model_name, "/create"), "cancel": self._model_url(db_name, model_name)}
        async with database.create_session() as session:
            await load_choices(session, specs)
            data, errors = parse_form(specs, form, FormType.CREATE)
            data = apply_schema(_meta.schema(model, "create"), data, errors)
            if errors:
                return await self._form_page(req, specs, _submitted(specs, form), 422, errors=errors, **context)
            record = model()
            await _meta.admin_create(record, req, data, session)
            try:
                await session.commit()
            except IntegrityError as exc:
                await session.rollback()
                error = f"The database refused the record: {exc.orig}"
                return await self._form_page(req, specs, _submitted(specs, form), 422, form_error=error, **context)
            path = key_path(record)
        self.dashboard.log_action(req, "create", model=model_name, record=path)
        return req.response.redirect(self._model_url(db_name, model_name, f"/record/{path}?notice=created"))

    @get(_MODEL + "/edit/<path:attr_val>")
    async def edit_form(self, req: Request, db_name: str, model_name: str, attr_val: str) -> Response:
        """The edit form, filled with the record (and its version when the model has one)."""
        model = await self.check_permission(PermissionType.CAN_UPDATE, req, db_name, model_name)
        specs = form_fields(model, FormType.UPDATE)
        async with self.dashboard.get_database(db_name).create_session() as session:
            record = await self._record(session, model, attr_val)
            await load_choices(session, specs)
        version = version_column(model)
        values = {spec.name: form_value(spec, getattr(record, spec.name)) for spec in specs}
        return await self._form_page(req, specs, values, db_name=db_name, model_name=model_name, mode="edit",
                                     action=self._model_url(db_name, model_name, f"/edit/{attr_val}"),
                                     cancel=self._model_url(db_name, model_name, f"/record/{attr_val}"),
                                     version=None if version is None else getattr(record, version))

    @post(_MODEL + "/edit/<path:attr_val>")
    async def put_model_record(self, req: Request, db_name: str, model_name: str, attr_val: str) -> Response:
        """Save the edit form; 422 on invalid input, 409 when the record changed since the form was shown."""
        model = await self.check_permission(PermissionType.CAN_UPDATE, req, db_name, model_name)
        form = await self.checked_form(req)
        specs = form_fields(model, FormType.UPDATE)
        version = version_column(model)
        context: dict[str, Any] = {"db_name": db_name, "model_name": model_name, "mode": "edit",
                   "action": self._model_url(db_name, model_name, f"/edit/{attr_val}"),
                   "cancel": self._model_url(db_name, model_name, f"/record/{attr_val}")}
        async with self.dashboard.get_database(db_name).create_session() as session:
            record = await self._record(session, model, attr_val)
            await load_choices(session, specs)
            current = None if version is None else getattr(record, version)
            context["version"] = current
            if version is not None and str(form.get(VERSION_FIELD, "")) != str(current):
                return await self._form_page(req, specs, {s.name: form_value(s, getattr(record, s.name)) for s in specs}, 409,
                                             form_error=_CONFLICT, **context)
            data, errors = parse_form(specs, form, FormType.UPDATE)
            data = apply_schema(_meta.schema(model, "update"), data, errors)
            if errors:
                return await self._form_page(req, specs, _submitted(specs, form), 422, errors=errors, **context)
            await _meta.admin_update(record, req, data, session)
            if version is not None and model.__mapper__.version_id_col is None:
                setattr(record, version, (current or 0) + 1)
            problem = await _commit(session)
        if problem is not None:
            status = 409 if problem == _CONFLICT else 422
            return await self._form_page(req, specs, _submitted(specs, form), status, form_error=problem, **context)
        self.dashboard.log_action(req, "update", model=model_name, record=attr_val, fields=sorted(data))
        return req.response.redirect(self._model_url(db_name, model_name, f"/record/{attr_val}?notice=updated"))

    @post(_MODEL + "/delete/<path:attr_val>")
    async def delete_model_record(self, req: Request, db_name: str, model_name: str, attr_val: str) -> Response:
        """Delete a record, then show the list."""
        model = await self.check_permission(PermissionType.CAN_DELETE, req, db_name, model_name)
        await self.checked_form(req)
        async with self.dashboard.get_database(db_name).create_session() as session:
            record = await self._record(session, model, attr_val)
            await _meta.admin_delete(record, req, session)
            problem = await _commit(session)
        if problem is not None:
            return await self.page(req, "error.html", {"title": "Not deleted", "message": problem, "status": 409}, 409)
        self.dashboard.log_action(req, "delete", model=model_name, record=attr_val)
        return req.response.redirect(self._model_url(db_name, model_name, "?notice=deleted"))


_CONFLICT = "Someone else changed this record since you opened the form. Review the current values and save again."


async def _commit(session: AsyncSession) -> str | None:
    """Commit; the message to show when the database refused it, else None."""
    try:
        await session.commit()
    except StaleDataError:
        await session.rollback()
        return _CONFLICT
    except IntegrityError as exc:
        await session.rollback()
        return f"The database refused the change: {exc.orig}"
    return None


def _submitted(specs: list[FieldSpec], form: MultiDict) -> dict[str, str]:
    return {spec.name: str(form.get(spec.name, "")) for spec in specs}


