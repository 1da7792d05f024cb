"""``python -m surge``: the same as the ``surge`` command."""

from surge.cli.main import main

raise SystemExit(main())
