"""The Surge demo application."""

from surge import Surge, app, on_shutdown, on_startup

from app.configs import Config


@app(__name__, configs=Config)
class Application(Surge):
    """The demo app: JSON API, HTML pages, a form with an upload, static files."""

    @on_startup
    async def announce_startup(self) -> None:
        self.logger.info(f"{self.app_name} {self.version} is starting")

    @on_shutdown
    async def announce_shutdown(self) -> None:
        self.logger.info(f"{self.app_name} is shutting down")
