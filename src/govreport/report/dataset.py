"""The stored tables a page reads, by name: a mistyped name is an error, never an empty table.

Pages read only what ingest stored (``govreport.load``) and take a :class:`Dataset`,
so ``data.table("fact")`` fails in one line naming the tables there are, where
``getattr(data, "fact", empty)`` used to read as "no prose figures". A table the
registry knows but this store lacks (an optional table, an older store) reads as
an empty frame without columns, as ``store.Processed`` gives it.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import pandas as pd

from govreport.errors import GovreportError
from govreport.schemas import TABLES


class UnknownTable(GovreportError):
    """A table name no store holds (not in schemas.TABLES): one line naming it and the known tables."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"no table {name!r} in the processed data; known tables: {', '.join(TABLES)}")


def _registered(name: str) -> str:
    if name not in TABLES:
        raise UnknownTable(name)
    return name


@dataclass(frozen=True)
class Dataset:
    """The processed tables of one store by registered name; ``directory``: where they were read from."""

    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    directory: Optional[Path] = None

    def __post_init__(self) -> None:
        for name in self.tables:
            _registered(name)

    @classmethod
    def from_processed(cls, processed: Any) -> "Dataset":
        """From ``store.Processed`` (what ``govreport.load`` returns)."""
        return cls.from_tables(processed.tables, getattr(processed, "directory", None))

    @classmethod
    def from_tables(cls, tables: Mapping[str, Optional[pd.DataFrame]], directory: Any = None) -> "Dataset":
        """From a dict of tables by name (the notebooks' and tests' form); a table given as None is absent."""
        return cls({n: t for n, t in tables.items() if t is not None}, None if directory is None else Path(directory))

    @classmethod
    def of(cls, data: Any) -> "Dataset":
        """``data`` as a Dataset: itself, a ``store.Processed``, or a dict of tables by name."""
        if isinstance(data, Dataset):
            return data
        if isinstance(data, Mapping):
            return cls.from_tables(data)
        if isinstance(getattr(data, "tables", None), Mapping):
            return cls.from_processed(data)
        raise TypeError(f"pages read a Dataset, a store.Processed or a dict of tables, not {type(data).__name__}")

    def table(self, name: str) -> pd.DataFrame:
        """The stored table ``name`` (empty when this store lacks it); UnknownTable for a name no store has."""
        stored = self.tables.get(_registered(name))
        return stored if isinstance(stored, pd.DataFrame) else pd.DataFrame()

    def __getattr__(self, name: str) -> pd.DataFrame:
        """``data.values`` reads ``data.table("values")``: a mistyped name raises UnknownTable too."""
        if name.startswith("_") or name in ("tables", "directory"):  # not yet set (copy, pickle): no recursion
            raise AttributeError(name)
        return self.table(name)


F = TypeVar("F", bound=Callable[..., Any])


def takes_dataset(function: F) -> F:
    """A page function's first argument as a Dataset: publish/, the notebooks and analysts may hand in what
    ``govreport.load`` returns (or a dict of tables); it is wrapped here once, and a Dataset passes as it is."""
    @functools.wraps(function)
    def wrapper(data: Any, *args: Any, **kwargs: Any) -> Any:
        return function(Dataset.of(data), *args, **kwargs)

    return wrapper  # type: ignore[return-value]
