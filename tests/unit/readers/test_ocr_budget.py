"""OCR'd pages raise the file's time budget page by page (readers/limits.allow_ocr_page), bounded per file, and
a file that still runs out says so. No engine: the page read is replaced by a fixed wait (the wiring in
readers/ocr/document.read_image is what is tested; real OCR costs 5-10 CPU-s a page)."""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
import pytest

from govreport.errors import OverBudget
from govreport.readers import limits
from govreport.readers.ocr import cache, document


@pytest.fixture
def small_limits(monkeypatch):
    """0.4 s per OCR'd page, at most 0.6 s per file (two pages' worth, the second cut short)."""
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, ocr_page_seconds=0.4, ocr_max_seconds=0.6))
    monkeypatch.setattr(document.engine, "version", lambda: "no engine")  # tesseract --version: not asked
    cache.use_folder(None)
    yield
    cache.use_folder(None)


def _pages(monkeypatch, seconds: float):
    """document.read_image with the page read replaced by a ``seconds`` wait (a slow OCR'd page)."""
    def slow_read(bgr, dpi):
        time.sleep(seconds)
        return {"angle": 0.0, "lines": [], "tables": []}
    monkeypatch.setattr(document, "read_page_image", slow_read)
    return lambda n: [document.read_image(np.full((40, 40, 3), k, np.uint8), 200) for k in range(n)]


def test_each_ocrd_page_adds_its_allowance(small_limits, monkeypatch):
    read = _pages(monkeypatch, 0.3)
    with limits.file_budget(Path("scan.pdf"), 0.2, "reading PDF") as budget:
        read(2)  # 0.6 s of OCR in a 0.2 s budget: the two pages brought it to 1.0 s
        limits.checkpoint()
    assert (budget.ocr_pages, budget.ocr_seconds) == (2, 0.6)  # the second page got only what the cap left


def test_the_allowance_is_bounded_and_the_failure_names_it(small_limits, monkeypatch):
    read = _pages(monkeypatch, 0.3)
    with pytest.raises(OverBudget) as err:
        with limits.file_budget(Path("scan.pdf"), 0.2, "reading PDF"):
            read(4)  # 1.2 s against 0.2 + 0.6 at most: the third page's read is cut at 0.8 s
    assert err.value.problem == ("gave up reading PDF after 0.2 s + 0.6 s for 3 OCR'd pages (the most OCR may add) "
                                 "(time limit per file)")


def test_a_page_found_in_the_cache_is_allowed_nothing(small_limits, monkeypatch, tmp_path):
    read = _pages(monkeypatch, 0.0)
    cache.use_folder(tmp_path / "ocr")
    read(1)  # into the cache
    with limits.file_budget(Path("scan.pdf"), 5, "reading PDF") as budget:
        read(1)
    assert budget.ocr_pages == 0


def test_the_file_budget_around_the_reading_grows_too_and_its_alarm_follows(small_limits):
    """corpus.py bounds a whole file (parsing) around the reader's own budget: an OCR'd page inside moves
    both, and the outer SIGALRM is put back to the moved deadline when the reading ends."""
    with limits.file_budget(Path("scan.pdf"), 0.3, "parsing") as outer:
        with limits.file_budget(Path("scan.pdf"), 0.3, "reading PDF") as inner:
            limits.allow_ocr_page()
            time.sleep(0.4)  # past both plain budgets: the alarm would have fired without the page
        assert inner.ocr_pages == outer.ocr_pages == 1
        time.sleep(0.1)
    with pytest.raises(OverBudget) as err:
        with limits.file_budget(Path("scan.pdf"), 0.2, "parsing"):
            with limits.file_budget(Path("scan.pdf"), 0.2, "reading PDF"):
                limits.allow_ocr_page()
            time.sleep(2.0)  # the outer alarm, moved to 0.6 s, interrupts the sleep
    assert err.value.problem == "gave up parsing after 0.2 s + 0.4 s for 1 OCR'd page (time limit per file)"


def test_the_supervisor_waits_for_what_ocrd_pages_added_and_only_for_that(monkeypatch):
    # the outside backstop of a PDF is its own budget (a PDF hanging in C with no page OCR'd is stopped in
    # time); a worker whose pages were OCR'd tells the supervisor what they added
    from govreport.ingestion.supervise import Pool

    assert limits.hard_seconds("a.pdf") == limits.LIMITS.pdf_seconds + limits.HARD_GRACE_S
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, ocr_page_seconds=3.0))

    class Task:
        budget = staticmethod(lambda task: (0.6, None))  # the supervisor's deadline: 0.6 s

        def __call__(self, pages):
            with limits.file_budget(Path("scan.pdf"), 5.0, "reading PDF"):
                for _ in range(pages):
                    limits.allow_ocr_page()  # each page: 3 s more, inside and outside
                time.sleep(1.2)
            return pages

    results = list(Pool(Task(), jobs=1).results([1, 0]))
    assert results[0] == (1, "ok", 1)  # 1.2 s of work within 0.6 + 3.0 s
    task, status, reason = results[1]
    assert (task, status) == (0, "lost") and "0.6" in reason  # no page OCR'd: stopped at its 0.6 s
