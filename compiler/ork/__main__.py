"""``python -m ork``."""

from .entry import run

run()
