"""``dq.completeness(...)``: the library's functions under the names of their modules.

The computation modules (``dq.completeness``, ``dq.report``, …) keep their names, and the
Python API (``dq.api``) offers each command as a function of the same name. So that
``import dq; dq.completeness(data)`` calls the function while ``from dq import completeness``
still gives the module, each such module is made callable: calling it calls ``dq.api.<name>``.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CommandModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from dq import api

        return getattr(api, self.__name__.rsplit(".", 1)[-1])(*args, **kwargs)


def make_callable(module_name: str) -> None:
    sys.modules[module_name].__class__ = _CommandModule
