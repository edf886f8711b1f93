"""``python -m ork``."""

from .cli import main

raise SystemExit(main())
