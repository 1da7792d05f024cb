"""HTML pages: home, and a form with a file upload."""

import os

from surge import HttpStatus, MediaType, Request, Response, UploadedFile
from surge.controller import Controller, consumes, get, path, post, produces
from surge.security import secure_filename


@path("/", tags=["Pages"])
class PagesController(Controller):
    @get("/")
    @produces(MediaType.TEXT_HTML)
    async def home(self, req: Request) -> Response:
        """The home page."""
        return await req.response.html("index.html", {"title": self.app.app_name}).status(HttpStatus.OK)

    @get("/upload")
    @produces(MediaType.TEXT_HTML)
    async def upload_form(self, req: Request) -> Response:
        """The upload form."""
        return await req.response.html("upload.html", {"saved": None})

    @post("/upload", status_code=HttpStatus.CREATED)
    @consumes(MediaType.MULTIPART_FORM_DATA)
    @produces(MediaType.TEXT_HTML)
    async def upload(self, req: Request, document: UploadedFile) -> Response:
        """Save the uploaded file and show what was received."""
        form = await req.form()
        folder = os.path.abspath(self.app.get_conf("UPLOAD_DIR"))
        os.makedirs(folder, exist_ok=True)
        # The client's file name may be "../../x", "..", or hold NUL bytes: keep a safe version.
        safe_name = secure_filename(document.filename) or "upload.bin"
        await document.save(os.path.join(folder, safe_name))
        saved = {"name": safe_name, "size": document.size, "type": document.content_type,
                 "description": form.get("description", "")}
        return await req.response.html("upload.html", {"saved": saved}).status(HttpStatus.CREATED)
