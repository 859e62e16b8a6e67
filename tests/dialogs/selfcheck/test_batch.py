"""Batch CSV: cell forms, encodings, header labels, bad rows, summary."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest

from dialogs.selfcheck import load_indicators, parse_cell, run_batch
from knowledge.errors import UserInputError

TODAY = datetime.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("key", "cell", "expected"),
    [
        ("satisfaction_pct", "85%", 85), ("satisfaction_pct", "85", 85), ("satisfaction_pct", "85％", 85),
        ("satisfaction_pct", "百分之九十二", 92), ("satisfaction_pct", "九成", 90), ("satisfaction_pct", "0", 0),
        ("total_assets_wan", "120万", 120), ("total_assets_wan", "1,200,000元", 120),
        ("total_assets_wan", "一百二十万", 120), ("total_assets_wan", "120", 120), ("total_assets_wan", "120万元", 120),
        ("total_assets_wan", "0.012亿", 120), ("total_assets_wan", " 99.5 ", 99.5),
        ("service_staff", "25人", 25), ("service_staff", "三十", 30), ("trainees_per_year", "1,200人次", 1200),
        ("smes_served_last_year", "45家", 45), ("service_staff", "10.0", 10),
        ("years_operating", "3", 3), ("years_operating", "两年半", 2.5), ("years_operating", "2年", 2),
        ("years_operating", "2019年3月", 7.65), ("years_operating", "2024年11月", 1.98),
        ("legal_person", "是", True), ("legal_person", "否", False), ("legal_person", "TRUE", True),
        ("legal_person", "false", False), ("legal_person", "1", True), ("legal_person", "0", False),
        ("legal_person", "✓", True), ("legal_person", "有", True), ("legal_person", "没有", False),
        ("org_type", "科研院所", "research_institute"), ("org_type", "intermediary", "intermediary"),
        ("org_type", "其他", "other"),
        ("functions_offered", "培训服务、融资", ("training", "financing")),
        ("functions_offered", "info,tech;startup", ("info", "tech", "startup")),
        ("functions_offered", "financing  信息服务", ("info", "financing")), ("functions_offered", "无", ()),
        ("satisfaction_pct", "", None), ("legal_person", "  ", None),
    ],
)
def test_cell_forms(key: str, cell: str, expected: Any) -> None:
    assert parse_cell(load_indicators(), key, cell, today=TODAY) == expected


@pytest.mark.parametrize(
    ("key", "cell"),
    [
        ("satisfaction_pct", "180%"), ("satisfaction_pct", "很多"), ("total_assets_wan", "-5"),
        ("total_assets_wan", "85%"), ("service_staff", "10.5"), ("service_staff", "约10人左右，另有兼职"),
        ("legal_person", "也许"), ("org_type", "大学"), ("functions_offered", "培训、咨询"),
        ("years_operating", "2030年1月"), ("satisfaction_pct", "120万"),
    ],
)
def test_bad_cells_name_the_key(key: str, cell: str) -> None:
    with pytest.raises(UserInputError) as info:
        parse_cell(load_indicators(), key, cell, today=TODAY)
    assert key in str(info.value)


def _run(data: bytes, **kw: Any) -> tuple[list[dict[str, str]], Any]:
    out = io.StringIO()
    summary = run_batch(data, out, today=TODAY, **kw)
    return list(csv.DictReader(io.StringIO(out.getvalue()))), summary


FULL_ROW = {
    "是否具有独立法人资格": "是", "机构类型": "技术服务机构", "运营年限": "5年", "资产总额": "300万",
    "财务收支状况良好、经营规范": "是", "管理团队健全，主要负责人诚信守法": "是", "上一年服务中小企业数": "45",
    "前一年服务中小企业数": "30", "用户满意度": "92%", "固定经营服务场所及必要设施设备": "✓",
    "集聚服务机构数": "3家", "获得地(市)级(含)以上部门认定、表彰或资助": "TRUE",
    "管理制度、服务流程、收费标准、质量保证措施健全": "1", "对小型微型企业有收费优惠规定": "是",
    "公益性或低收费服务占总服务量比例": "25%", "有发展规划和年度服务目标": "是", "为中小企业服务的人员数": "12人",
    "大专及以上学历和中级及以上技术职称专业人员比例": "60%", "提供的服务功能": "技术服务",
    "专家库和新产品、新技术项目库": "有", "年技术服务活动次数": "3次",
}


def _csv(rows: list[dict[str, str]], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["编号", "名称", *FULL_ROW], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_chinese_labels_in_every_excel_encoding_with_a_bad_row(encoding: str) -> None:
    rows = [
        {"编号": "A1", "名称": "拉萨市中小企业服务中心", **FULL_ROW},
        {"编号": "A2", "名称": "日喀则某协会", **FULL_ROW, "资产总额": "80万"},
        {"编号": "A3", "名称": "坏行", **FULL_ROW, "用户满意度": "很多"},
        {"编号": "A4", "名称": "缺项", **FULL_ROW, "用户满意度": ""},
    ]
    out, summary = _run(_csv(rows, encoding))
    assert [r["id"] for r in out] == ["A1", "A2", "A3", "A4"]
    assert out[0]["name"] == "拉萨市中小企业服务中心"
    assert [r["verdict"] for r in out] == ["eligible", "ineligible", "", "incomplete"]
    assert out[1]["failed"] == "total_assets_wan" and "差 20 万元" in out[1]["gaps"]
    assert "satisfaction_pct" in out[2]["error"] and "很多" in out[2]["error"]
    assert out[3]["missing"] == "satisfaction_pct" and out[0]["functions_met"] == "tech"
    assert summary.line() == "共 4 行：初步符合 1 行，不符合 1 行，信息不全 1 行，出错 1 行"


def test_keys_as_headers_and_blank_lines() -> None:
    data = b"id,total_assets_wan,functions_offered\n1,120,\n\n2,50,info\n,,\n"
    out, summary = _run(data)
    assert [r["id"] for r in out] == ["1", "2"]
    assert out[1]["failed"] == "total_assets_wan" and out[0]["failed"] == ""
    assert summary.rows == 2


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ("id,资产总额,备注\n1,120,x\n", "备注"),
        ("资产总额,total_assets_wan\n1,2\n", "total_assets_wan"),
        ("id,name\n1,x\n", "表头"),
        ("", "空"),
    ],
)
def test_a_bad_header_rejects_the_whole_file(data: str, named: str) -> None:
    with pytest.raises(UserInputError) as info:
        _run(data.encode())
    assert named in str(info.value)


def test_progress_is_reported_per_row() -> None:
    data = ("id,total_assets_wan\n" + "".join(f"{i},{i}\n" for i in range(300))).encode()
    seen: list[tuple[int, int]] = []
    _run(data, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (1, 300) and seen[-1] == (300, 300) and len(seen) == 300


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","点我")', "+1+cmd|' /C calc'!A0", "-2+3",
                                  "@SUM(A1:A9)", "\t=1+1", "\r=1+1"])
def test_result_cells_that_a_spreadsheet_would_run_are_neutralised(name: str) -> None:
    table = io.StringIO()
    csv.writer(table).writerows([["id", "name", "资产总额"], ["=1+2", name, "120万"]])
    [row], _summary = _run(table.getvalue().encode())
    assert row["name"] == "'" + name.strip() and row["id"] == "'=1+2"  # names are carried trimmed


def test_plain_numbers_and_text_are_kept_as_they_are() -> None:
    data = ("id,name," + ",".join(FULL_ROW) + "\n-5,西藏某检测中心," + ",".join(FULL_ROW.values()) + "\n").encode()
    [row], _summary = _run(data)
    assert (row["id"], row["name"], row["verdict"]) == ("-5", "西藏某检测中心", "eligible")
