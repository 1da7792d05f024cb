"""The "Search the notes" page: semantic search with a local embedding model (app.note_search)."""

from surge import MediaType, Request, Response
from surge.controller import Controller, get, path, produces

from app.note_search import KnowledgeNote, note_search


@path("/notes", open_api_spec=False, tags=["Pages"])  # its first call loads a model: kept out of the API fuzzing
class NoteSearchController(Controller):
    @get("/search")
    @produces(MediaType.TEXT_HTML)
    async def search(self, req: Request, q: str = "") -> Response:
        """Find the notes closest in meaning to ``q``."""
        context: dict = {"q": q[:200], "hits": [], "enabled": bool(self.app.get_conf("NOTE_SEARCH"))}
        if context["enabled"] and context["q"].strip():
            await note_search.ensure_notes()
            hits = await note_search.search(KnowledgeNote, context["q"], k=3)
            context["hits"] = [{"text": hit.row.text, "score": round(1 - hit.distance, 3)} for hit in hits]
        return await req.response.html("note_search.html", context)
