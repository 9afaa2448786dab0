"""agency_id: one agency across the ways its name is written."""
import pytest

from govreport.agencies import agency_id


@pytest.mark.parametrize("written, expected", [
    ("中卫市沙坡头区政务服务中心", "沙坡头区政务服务中心"),  # seeds 2018 / 2021
    ("沙坡头区政务服务中心", "沙坡头区政务服务中心"),
    ("淮安市洪泽区人民政府", "洪泽区人民政府"),  # fixtures 2024 / 2023
    ("洪泽区人民政府", "洪泽区人民政府"),
    ("淮安市 人民政府", "淮安市人民政府"),
    ("江苏省淮安市人民政府", "淮安市人民政府"),
    ("宁夏回族自治区中卫市沙坡头区政务服务中心", "沙坡头区政务服务中心"),
    ("淮安市市场监督管理局", "淮安市市场监督管理局"),  # 市场 is not a region
    ("淮安市公安局", "淮安市公安局"),
])
def test_parent_region_prefixes_are_dropped(written, expected):
    assert agency_id(written) == expected


def test_alias_file_settles_what_normalization_cannot(monkeypatch):
    from govreport import catalog
    # a renamed agency: normalization alone would give it a new id
    monkeypatch.setattr(catalog, "agency_aliases", lambda: {"沙坡头区行政审批服务局": "沙坡头区政务服务中心"})
    assert agency_id("中卫市沙坡头区行政审批服务局") == "沙坡头区政务服务中心"  # prefix dropped, then the alias
    assert agency_id("沙坡头区行政审批服务局", use_aliases=False) == "沙坡头区行政审批服务局"
