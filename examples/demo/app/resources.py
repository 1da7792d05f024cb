"""The demo's REST resource: a to-do list served at /api/v1/tasks from one annotated class."""

from surge.rest import Cache, Field, Filtering, Pagination, RestApi, RestEndpoint

rest = RestApi()  # REST_API in app/configs.py maps URLs to resources


class TaskEndpoint(RestEndpoint):
    """Tasks of the to-do list (table, schemas and CRUD routes from this class)."""

    title: str = Field(min_length=1, max_length=200)
    done: bool = Field(default=False)

    class Meta:
        table = "tasks"
        filtering = Filtering(fields=["done"], search=["title"], ordering=["title"])
        pagination = Pagination(style="page_number", page_size=20)
        cache = Cache(ttl=30)
