"""rcmc.load: typed frames, both backends, errors."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl
import pytest

import rcmc
from conftest import set_cell
from rcmc.errors import MissingDependency, UnknownTable, UsageError
from rcmc.loader import TableUnreadable


def test_load_types_dates_lists_enums(package: Path) -> None:
    frame = rcmc.load("exercises", path=package)
    assert frame.schema["start_date"] == pl.Date
    assert frame.schema["participants"] == pl.List(pl.Utf8)
    assert isinstance(frame.schema["kind"], pl.Enum)
    second = frame.row(1, named=True)
    assert (second["start_date"], second["start_date_precision"]) == (dt.date(2019, 12, 1), "month")
    assert second["end_date"] is None and second["personnel"] is None
    assert second["participants"] == ["CHN", "IRN", "RUS"]


def test_load_booleans_and_integers(package: Path) -> None:
    frame = rcmc.load("agreements", path=package)
    assert frame.schema["includes_training"] == pl.Boolean and frame.schema["value_usd"] == pl.Int64
    assert frame.filter(pl.col("agreement_id") == "fighter-deal-2015")["includes_training"].item() is True


def test_load_pandas_backend(package: Path) -> None:
    frame = rcmc.load("equipment", backend="pandas", path=package)
    assert list(frame["item_id"]) == ["fighter-deal-2015-aircraft", "fighter-deal-2015-engines"]


def test_pandas_backend_needs_no_pyarrow_and_keeps_integers(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    def needs_pyarrow(*args: object, **kwargs: object) -> None:
        raise ModuleNotFoundError("No module named 'pyarrow'")  # as after `pip install` of the wheel alone

    monkeypatch.setattr(pl.DataFrame, "to_pandas", needs_pyarrow)
    equipment = rcmc.load("equipment", backend="pandas", path=package)
    assert str(equipment["order_year"].dtype) == "Int64" and equipment["order_year"].tolist() == [2015, 2015]
    assert equipment["quantity_delivered"].tolist() == [24, 4] and equipment["value_usd"].isna().all()
    assert str(equipment["value_usd"].dtype) == "Int64"
    agreements = rcmc.load("agreements", backend="pandas", path=package)
    assert str(agreements["value_usd"].dtype) == "Int64" and str(agreements["includes_training"].dtype) == "boolean"
    assert list(agreements["kind"].cat.categories)[:3] == ["treaty", "agreement", "contract"]
    exercises = rcmc.load("exercises", backend="pandas", path=package)
    assert str(exercises["start_date"].dtype) == "datetime64[ms]"
    assert exercises.loc[1, "start_date"] == pd.Timestamp("2019-12-01") and exercises["end_date"].isna().tolist()[1]
    assert exercises.loc[1, "participants"] == ["CHN", "IRN", "RUS"] and exercises["personnel"].isna().tolist()[1]
    polars_frame = rcmc.load("exercises", path=package)
    assert list(exercises.columns) == polars_frame.columns


def test_pandas_backend_without_pandas_names_the_install(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependency, match="pip install pandas"):
        rcmc.load("equipment", backend="pandas", path=package)


def test_load_all(package: Path) -> None:
    assert {name: f.height for name, f in rcmc.load_all(path=package).items()} == {
        "agreements": 2,
        "equipment": 2,
        "exercises": 2,
        "contacts": 2,
        "sources": 3,
        "claims": 2,
    }


def test_load_errors(package: Path) -> None:
    with pytest.raises(UnknownTable):
        rcmc.load("parades", path=package)
    with pytest.raises(UsageError):
        rcmc.load("exercises", backend="spark", path=package)
    set_cell(package, "exercises", 0, "kind", 'e"xercise')
    with pytest.raises(TableUnreadable, match=r"data/exercises.csv:2: kind='e\"xercise' is not an allowed value"):
        rcmc.load("exercises", path=package)
    set_cell(package, "exercises", 0, "kind", "exercise")
    set_cell(package, "exercises", 0, "ships", "many")
    with pytest.raises(TableUnreadable, match="ships"):
        rcmc.load("exercises", path=package)


def test_real_package_loads() -> None:
    tables = rcmc.load_all()
    assert all(frame.height > 0 for frame in tables.values())


def test_quoted_empty_cell_is_null_on_both_reading_paths(package: Path) -> None:
    from rcmc.csvfile import _read_exact, read_raw
    from rcmc.package import open_package

    path = package / "data" / "agreements.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",,reported,", ',"",reported,'), encoding="utf-8")
    resource = open_package(package).resource("agreements")
    fast, _ = read_raw(resource)
    exact, _ = _read_exact(resource)
    assert fast.frame.equals(exact.frame)
    assert fast.frame["notes"].null_count() == fast.frame.height
    assert rcmc.load("agreements", path=package)["notes"].null_count() == fast.frame.height
