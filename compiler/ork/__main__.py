"""``python -m ork``."""

from .entry import main

raise SystemExit(main())
