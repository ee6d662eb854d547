"""Kept so that `from huibian import accountability` still works: linking is the package huibian.link."""

from huibian.link import *  # noqa: F403
from huibian.link import __all__  # noqa: F401
