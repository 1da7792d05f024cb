"""Start the demo app: `python examples/demo/run.py` (granian; `--server uvicorn` for uvicorn)."""

import argparse
import os
import sys
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    sys.path.insert(0, HERE)
    os.chdir(HERE)
    from app.configs import Config

    config = Config()
    parser = argparse.ArgumentParser(description="Run the Surge demo app")
    parser.add_argument("--server", choices=["granian", "uvicorn"], default="granian")
    parser.add_argument("--host", default=config.HOST)
    parser.add_argument("--port", type=int, default=config.PORT)
    args = parser.parse_args()
    print(f"Surge demo on http://{args.host}:{args.port}/", flush=True)
    if args.server == "uvicorn":
        import uvicorn

        uvicorn.run("app:Application", host=args.host, port=args.port, lifespan="on", factory=True)
        return
    from granian import Granian

    Granian("app:Application", address=args.host, port=args.port, interface="asgi", factory=True,
            working_dir=Path(HERE)).serve()


if __name__ == "__main__":
    main()
