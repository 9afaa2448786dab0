"""One exception base: every exception the package raises on purpose is a GovreportError, one line long."""
import importlib
import inspect
import pkgutil

import pytest

import govreport
from govreport.errors import CatalogError, GovreportError, ReportError, SelectionError

# internal control flow, never seen by a caller: pdfium declining a file hands it to pdfplumber;
# limits' timeout is turned into a ReportError where it is caught
INTERNAL = {"govreport.readers.pdfium_calls.Decline", "govreport.readers.limits.Alarm"}


def _package_exceptions() -> dict[str, type]:
    found = {}
    for info in pkgutil.walk_packages(govreport.__path__, "govreport."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional dependency (dask, pdfium) absent here
            continue
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == info.name:
                found[f"{info.name}.{name}"] = obj
    return found


def test_every_package_exception_is_a_govreport_error():
    found = _package_exceptions()
    assert {"govreport.errors.ReportError", "govreport.errors.CatalogError", "govreport.store.IncompleteData",
            "govreport.sql.SqlError", "govreport.paths.RootNotFound"} <= set(found)
    assert sorted(n for n, cls in found.items() if n not in INTERNAL and not issubclass(cls, GovreportError)) == []


def test_second_bases_still_catch_as_before():
    found = _package_exceptions()
    assert issubclass(found["govreport.sql.SqlError"], RuntimeError)
    assert issubclass(found["govreport.store.IncompleteData"], RuntimeError)
    assert issubclass(found["govreport.publish.params.ParameterError"], ValueError)
    assert issubclass(CatalogError, ValueError)


def test_report_error_names_the_file_and_the_problem_on_one_line():
    err = ReportError("data/raw/a\nb.pdf", "corrupt\tPDF")
    assert str(err) == "data/raw/a\\nb.pdf: corrupt\\tPDF"
    assert (str(err.path), err.problem) == ("data/raw/a\nb.pdf", "corrupt\\tPDF")


def test_report_error_without_a_file_says_so():
    assert str(ReportError(None, "no input")) == "(no file): no input"


def test_selection_error_is_the_problem_alone():
    err = SelectionError("no agency 三明市 in 2019; years there are 2020, 2021")
    assert str(err) == "no agency 三明市 in 2019; years there are 2020, 2021"
    assert isinstance(err, ReportError) and isinstance(err, GovreportError)


def test_any_govreport_error_prints_on_one_line():
    assert str(GovreportError("line one\nline two\x1b[31m")) == "line one\\nline two\\x1b[31m"


def test_catalog_error_names_file_and_row():
    err = CatalogError("catalog/rules.csv", 12, "metric 'x' is no metric of labels.csv")
    assert (err.file, err.row) == ("catalog/rules.csv", 12)
    assert str(err) == "catalog/rules.csv line 12: metric 'x' is no metric of labels.csv"
    with pytest.raises(GovreportError):
        raise err
