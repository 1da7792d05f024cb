"""The file explorer: browse, upload, download, rename and delete inside one configured folder."""

from __future__ import annotations

import os
import shutil

from surge.admin._errors import AdminBadRequest, AdminNotFound
from surge.admin._files import check_name, listing, relative_to, resolve
from surge.admin.common_controller import CommonAdminController
from surge.controller import get, post
from surge.http.request import Request
from surge.http.response import Response
from surge.http.uploads import UploadedFile, secure_filename

__all__ = ["AdminFileController"]

_NOTICES = {"uploaded": "Upload complete.", "renamed": "Renamed.", "deleted": "Deleted.", "created": "Folder created."}


class AdminFileController(CommonAdminController):
    """Works on ``ADMIN_DASHBOARD.FILES_FOLDER`` (default: the app's static folder) and nothing else."""

    async def _root(self, req: Request) -> str:
        await self.can_enter(req)
        self.require(req, await self.dashboard.has_files_permission(req), "use the file explorer")
        root = self.dashboard.files_folder
        if not os.path.isdir(root):
            raise AdminNotFound("The file folder does not exist; set ADMIN_DASHBOARD.FILES_FOLDER.")
        return root

    def _back(self, req: Request, root: str, folder: str, notice: str) -> Response:
        from urllib.parse import urlencode

        query = urlencode({"path": relative_to(root, folder), "notice": notice})
        return req.response.redirect(self.dashboard.renderer.url(f"/files?{query}"))

    @get("/files")
    async def file_explorer(self, req: Request) -> Response:
        """The folder ``?path=`` (the root by default): its files and folders."""
        root = await self._root(req)
        folder = resolve(root, str(req.query_params.get("path", "")))
        if not os.path.isdir(folder):
            raise AdminNotFound("No such folder.")
        current = relative_to(root, folder)
        crumbs = [("/".join(current.split("/")[: i + 1]), part) for i, part in enumerate(current.split("/")) if part]
        return await self.page(req, "file_explorer.html", {
            "entries": listing(root, folder), "current": current, "crumbs": crumbs,
            "notice": _NOTICES.get(str(req.query_params.get("notice", ""))),
        })

    @get("/files/download")
    async def download(self, req: Request) -> Response:
        """The file ``?path=`` as an attachment."""
        root = await self._root(req)
        target = resolve(root, str(req.query_params.get("path", "")))
        if not os.path.isfile(target):
            raise AdminNotFound("No such file.")
        self.dashboard.log_action(req, "file-download", path=relative_to(root, target))
        return req.response.send_file(target, as_attachment=True)

    @post("/files/upload")
    async def upload(self, req: Request) -> Response:
        """Save the uploaded ``file`` fields into the folder ``path``; existing names are refused (409)."""
        root = await self._root(req)
        form = await self.checked_form(req)
        folder = resolve(root, str(form.get("path", "")))
        files = [value for key, value in form.multi_items() if key == "file" and isinstance(value, UploadedFile) and value.filename]
        if not os.path.isdir(folder) or not files:
            raise AdminBadRequest("Choose a file to upload into an existing folder.")
        for file in files:
            name = secure_filename(file.filename or "") or "upload"
            target = os.path.join(folder, name)
            if os.path.lexists(target):
                return await self.page(req, "error.html", {"title": "Not uploaded", "status": 409,
                                                           "message": f"{name} already exists in this folder."}, 409)
            await file.save(target)
            self.dashboard.log_action(req, "file-upload", path=relative_to(root, target), size=file.size)
        return self._back(req, root, folder, "uploaded")

    @post("/files/mkdir")
    async def make_folder(self, req: Request) -> Response:
        """Create the folder ``name`` inside ``path``."""
        root = await self._root(req)
        form = await self.checked_form(req)
        folder = resolve(root, str(form.get("path", "")))
        target = os.path.join(folder, check_name(str(form.get("name", ""))))
        if os.path.lexists(target):
            raise AdminBadRequest("That name is taken.")
        os.mkdir(target)
        self.dashboard.log_action(req, "file-mkdir", path=relative_to(root, target))
        return self._back(req, root, folder, "created")

    @post("/files/rename")
    async def rename(self, req: Request) -> Response:
        """Rename the file or folder ``path`` to ``new_name`` (same folder)."""
        root = await self._root(req)
        form = await self.checked_form(req)
        source = resolve(root, str(form.get("path", "")))
        if source == root or not os.path.lexists(source):
            raise AdminNotFound("No such file.")
        target = os.path.join(os.path.dirname(source), check_name(str(form.get("new_name", ""))))
        if os.path.lexists(target):
            raise AdminBadRequest("That name is taken.")
        os.rename(source, target)
        self.dashboard.log_action(req, "file-rename", path=relative_to(root, source), to=relative_to(root, target))
        return self._back(req, root, os.path.dirname(target), "renamed")

    @post("/files/delete")
    async def delete(self, req: Request) -> Response:
        """Delete the file or folder (with its content) ``path``."""
        root = await self._root(req)
        form = await self.checked_form(req)
        target = resolve(root, str(form.get("path", "")))
        if target == root or not os.path.lexists(target):
            raise AdminNotFound("No such file.")
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        else:
            os.remove(target)
        self.dashboard.log_action(req, "file-delete", path=relative_to(root, target))
        return self._back(req, root, os.path.dirname(target), "deleted")
