"""The application's ASGI machinery: HTTP dispatch, the error path, websockets, lifespan.

Private: the public surface is ``surge.Surge``. Nothing here imports the application class;
it is handed the pieces it runs (router, middleware chain, error responder) by the app.
"""
