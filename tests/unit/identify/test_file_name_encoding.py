"""The file name is one of identification's sources (agency.py: ``file_name``). A name unpacked from a zip made on
a Chinese Windows system is GBK; Python gives it as lone surrogates, so no agency was read in it: a GBK-named copy
lost the name's evidence (here its disagreement with the title) that the same name in UTF-8 gives."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import RAW
from govreport.identify import identify
from govreport.readers import read_document
from govreport.readers.encoding import file_name_text

NAME = "淮安市人民政府2024年政府信息公开工作年度报告.txt"  # the city's name on the district's report (洪泽区 2024)


def _copy(folder: Path, name: bytes) -> Path:
    target = os.path.join(os.fsencode(folder), name)
    shutil.copy(RAW / "hongze_district_gov_2024.txt", target)
    return Path(os.fsdecode(target))


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030"])
def test_an_agency_in_a_file_name_is_read_whatever_its_encoding(tmp_path, encoding):
    det = identify(read_document(_copy(tmp_path, NAME.encode(encoding))))
    assert (det.agency, det.agency_source) == ("淮安市洪泽区人民政府", "title")
    assert [tuple(f) for f in det.findings] == [
        ("identify.agency_conflict", "the sources name different agencies: 淮安市洪泽区人民政府 kept (title), "
                                     "against 淮安市人民政府 (file_name)")]


def test_file_name_text():
    assert file_name_text("洪泽区.pdf") == "洪泽区.pdf"
    assert file_name_text(os.fsdecode("洪泽区.pdf".encode("gbk"))) == "洪泽区.pdf"
    assert file_name_text(os.fsdecode(b"\xff\xfe.pdf")) == os.fsdecode(b"\xff\xfe.pdf")  # not GB18030 either
