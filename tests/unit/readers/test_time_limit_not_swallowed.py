"""A time limit ends the file even when the code it bounds catches ``Exception`` (readers/limits.Alarm).

The alarm is one-shot: before, an ``except Exception`` anywhere under it (lxml, openpyxl, pdfminer, the DOCX
reader's own guard) took the timeout for a damaged file, or swallowed it and let the file run unbounded."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from govreport.errors import OverBudget, ReportError
from govreport.readers import docx, limits


def _busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(1000))


def test_a_guard_that_catches_exception_does_not_swallow_the_alarm():
    started = time.monotonic()
    with pytest.raises(OverBudget, match="gave up reading after 0.2 s"):
        with limits.time_limit(0.2, Path("slow.txt")):
            try:
                _busy(3.0)
            except Exception:  # a library's catch-all around the slow call
                pass
            _busy(3.0)  # what runs after it: unbounded if the alarm was swallowed
    assert time.monotonic() - started < 1.5


def test_a_slow_docx_part_is_a_time_limit_not_a_damaged_file(monkeypatch, tmp_path):
    """The DOCX reader words every error of its main part as a damaged package (``except Exception``); a part
    that takes too long to parse must say the time limit instead, so ingest reads it again on its next run."""
    from docx import Document as WordDocument

    path = tmp_path / "report.docx"
    word = WordDocument()
    word.add_paragraph("2023年政府信息公开工作年度报告")
    word.save(path)

    def slow_main_part(zf, where):
        time.sleep(5)  # a huge document.xml: the alarm interrupts the wait
        raise AssertionError("not reached")

    monkeypatch.setattr(docx, "DOCX_TIME_BUDGET_S", 0.2)
    monkeypatch.setattr(docx, "_main_part", slow_main_part)
    with pytest.raises(ReportError) as caught:
        docx.read_docx(path)
    assert isinstance(caught.value, OverBudget), caught.value
    assert "gave up reading DOCX after 0.2 s" in str(caught.value)


def test_an_alarm_past_every_guard_still_costs_only_its_file(tmp_path, monkeypatch):
    """An alarm that rings just as a limit's block ends (in its clean-up) escapes that limit's guard; the file's
    last guard (ingestion/corpus.PerFile.part) counts it as over time, to be read again, and the batch goes on."""
    from contextlib import contextmanager

    from govreport.ingestion import corpus

    @contextmanager
    def ringing_as_it_ends(path, seconds, what):
        yield
        raise limits.Alarm()

    monkeypatch.setattr(limits, "file_budget", ringing_as_it_ends)

    def read(path, sha256):
        return "the report"

    source = tmp_path / "report.txt"
    source.write_text("2023年政府信息公开工作年度报告", encoding="utf-8")
    part = corpus.PerFile(read).part(corpus.Task(str(source), "0" * 64, ""))
    assert part == {"failure": "gave up parsing (time limit per file)", "retry": True}
