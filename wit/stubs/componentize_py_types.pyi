# What app_p3.py uses of componentize_py_types, a module componentize-py 0.25 builds into the
# component and installs nowhere on CPython; for mypy only (pyproject.toml, mypy_path).
from typing import Generic, TypeVar

T = TypeVar("T")

class Err(Exception, Generic[T]):
    value: T
    def __init__(self, value: T) -> None: ...
