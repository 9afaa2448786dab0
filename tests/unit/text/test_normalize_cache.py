"""The speed-ups of issue 16 change no output: memoized NFKC, one paragraph list per Document, fuzzy prefilter."""
from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

from govreport import catalog
from govreport.extract import fuzzy
import fuzzy_reference
from govreport.extract.sentences import prose_paragraphs
from govreport.model import Block, Document
from govreport.text import normalize
from govreport.text.normalize import clean_text, label_key, nfkc

SAMPLES = ["", "abc 123", "１２３４５", "⺠政局　收到\u00a0申请", "公开\u200b\u202e信息", "（一）依申请公开",
           "Ｗｗ 年度报告\ufeff", "⻓期  \t 在办", "收到申请数 1,234 件。", "⺠" * 600, "申请" * 400 + "\u3000１"]


def _reference_nfkc(text: str) -> str:
    """nfkc as it read before the memo: translate, normalize, spaces."""
    text = unicodedata.normalize("NFKC", text.translate(normalize._pre_nfkc_table()))
    return text.replace("\u3000", " ").replace("\xa0", " ")


def test_memoized_nfkc_equals_the_plain_normalization():
    for text in SAMPLES * 2:  # the second pass reads the memo
        assert nfkc(text) == _reference_nfkc(text)
    assert nfkc("⺠政局　收到\u00a0申请") == "民政局 收到 申请"
    assert clean_text("  ⺠政局　收到\u00a0 申请 ") == "民政局 收到 申请"
    assert label_key("（一） 收到⺠申请：") == "(一)收到民申请:"


def test_long_texts_are_not_kept_in_the_memo():
    normalize._nfkc_memo.cache_clear()
    long_text = "申请" * 400
    assert nfkc(long_text) == long_text and normalize._nfkc_memo.cache_info().currsize == 0
    nfkc("申请")
    assert normalize._nfkc_memo.cache_info().currsize == 1


def test_paragraphs_built_once_and_rebuilt_when_the_blocks_change():
    doc = Document(path=Path("x.txt"), format="txt", blocks=[Block.line("一、总体情况"), Block.line("本年度共收到申请 5 件。")])
    first = doc.paragraphs()
    assert first == ["一、总体情况", "本年度共收到申请 5 件。"]
    first.append("a caller's change")
    assert doc.paragraphs() == ["一、总体情况", "本年度共收到申请 5 件。"]  # a fresh list each call
    assert prose_paragraphs(doc) == [("一、总体情况", "本年度共收到申请 5 件。")]
    doc.blocks.append(Block.line("办结 4 件。"))
    assert doc.paragraphs()[-1] == "办结 4 件。"
    assert prose_paragraphs(doc)[-1] == ("一、总体情况", "办结 4 件。")
    doc.blocks = [Block.line("新的一段。")]
    assert doc.paragraphs() == ["新的一段。"]
    assert doc == Document(path=Path("x.txt"), format="txt", blocks=[Block.line("新的一段。")])  # the memo is not compared


def test_fuzzy_prefilter_gives_difflib_maximum():
    metrics = catalog.metrics()
    forms = sorted({f for e in catalog.label_entries() if e.pattern != "*"
                    for f in fuzzy.literal_forms(e.pattern, metrics[e.metric].name_zh)})
    labels = ["收到申请数", "本年新收政府信息公开申请数量", "其他处理", "行政复议结果维持", "不予公开属于国家秘密", "转办"]
    for words in labels:
        for k in range(0, len(forms), 7):
            chunk = tuple(forms[k:k + 7])
            expected = max(SequenceMatcher(None, words, f, autojunk=False).ratio() for f in chunk)
            assert fuzzy_reference._best_similarity(words, chunk) == expected
            for f in chunk:
                assert fuzzy._bound(words, f) >= SequenceMatcher(None, words, f, autojunk=False).ratio()
