"""The shop application."""

from pyjolt import PyJolt, app, on_startup

from shop.configs import Config


@app(__name__, configs=Config)
class Application(PyJolt):
    """Shop application."""

    @on_startup
    async def announce(self) -> None:
        """Logs the start, proving @on_startup methods run with the lifespan."""
        self.logger.info("shop started")
