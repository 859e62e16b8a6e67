"""``shenbao selfcheck``: formats, exit status, bad input, stdin, the batch CSV form."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.dialogs.selfcheck.test_rules import profile

SPEC_EXAMPLE = profile("training", "financing", total_assets_wan=80, smes_served_last_year=30,
                       smes_served_year_before=35, satisfaction_pct=None, trainees_per_year=550,
                       financing_consulting=None)


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        rc = main(["selfcheck", *args])
    except SystemExit as exc:  # argparse usage errors
        rc = int(exc.code or 0)
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.parametrize("flags", [["--json"], ["--format", "json"]])
def test_json_output_is_the_spec_example(tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str]) -> None:
    rc, out, _ = run(["--profile", write(tmp_path, "p.json", json.dumps(SPEC_EXAMPLE)), *flags], capsys)
    assert rc == 0
    d = json.loads(out)
    assert {k: d[k] for k in ("verdict", "failed", "missing", "functions_met")} == {
        "verdict": "ineligible", "failed": ["total_assets_wan", "sme_growth", "trainees_per_year"],
        "missing": ["satisfaction_pct", "financing_consulting"], "functions_met": []}
    assert any(i["gap"] == "资产总额 80 万元，低于 100 万元的要求，差 20 万元" for i in d["items"])


@pytest.mark.parametrize(
    ("p", "verdict"),
    [(profile("tech"), "初步符合"), (profile("tech", service_staff=3), "不符合"), ({"legal_person": True}, "信息不全")],
)
def test_exit_zero_for_every_verdict_and_text_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         p: dict[str, Any], verdict: str) -> None:
    rc, out, err = run(["--profile", write(tmp_path, "p.json", json.dumps(p))], capsys)
    assert rc == 0 and err == ""
    assert out.startswith(f"自测结论：{verdict}")


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
def test_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    rc, out, _ = run(["--profile", write(tmp_path, "p.json", json.dumps(profile("info"))), "--format", fmt], capsys)
    assert rc == 0
    assert ("<svg" in out) == (fmt == "html")
    assert out.startswith({"markdown": "# ", "html": "<!DOCTYPE html>", "text": "自测结论："}[fmt])


def test_yaml_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    yml = "legal_person: true\ntotal_assets_wan: 80\nfunctions_offered: [info]\nsatisfaction_pct: null\n"
    rc, out, _ = run(["--profile", write(tmp_path, "p.yml", yml), "--json"], capsys)
    assert rc == 0 and json.loads(out)["failed"] == ["total_assets_wan"]


def test_json_and_format_together_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(["--profile", write(tmp_path, "p.json", "{}"), "--json", "--format", "text"], capsys)
    assert rc == 2 and out == "" and "--json" in err


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ('{"total_assets_wan": -5}', "total_assets_wan"),
        ('{"satisfaction_pct": 180}', "satisfaction_pct"),
        ('{"satisfaction_pct": "85%"}', "satisfaction_pct"),
        ('{"service_staff": 10.5}', "service_staff"),
        ('{"total_assets_wan": "很多"}', "total_assets_wan"),
        ('{"legal_person": "是"}', "legal_person"),
        ("legal_person: yes\n", "legal_person"),
        ('{"assets": 100}', "assets"),
        ('{"functions_offered": ["info", "consulting"]}', "functions_offered"),
        ('{"total_assets_wan": 120,}', "JSON"),
        ("[1, 2]", "键值"),
        ("", "空"),
        ("legal_person: [unclosed\n", "YAML"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          content: str, named: str) -> None:
    rc, out, err = run(["--profile", write(tmp_path, "p.json", content)], capsys)
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and named in err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(["--profile", str(tmp_path / "nope.json")], capsys)
    assert rc == 2 and "nope.json" in err


def test_stdin_through_the_installed_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "selfcheck", "--profile", "-", "--json"],
        input=json.dumps(profile("startup")).encode(), capture_output=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["verdict"] == "eligible"


# --- batch ----------------------------------------------------------------------------------------------------------

def test_csv_gb18030_with_a_bad_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("序号,机构名称,资产总额,用户满意度,提供的服务功能,年培训人次\r\n"
            "1,拉萨甲公司,120万,85%,培训,600\r\n"
            "2,乙中心,\"1,200,000元\",很多,培训,600\r\n"
            "3,丙协会,八十万,92,培训,599人次\r\n")
    src = write(tmp_path, "in.csv", text.encode("gb18030"))
    dst = tmp_path / "out.csv"
    rc, out, err = run(["--csv", src, "--out", str(dst)], capsys)
    assert rc == 0 and err == ""
    assert out.strip() == f"共 3 行：初步符合 0 行，不符合 1 行，信息不全 1 行，出错 1 行；结果已写入 {dst}"
    raw = dst.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Excel expects
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["id"], r["name"], r["verdict"]) for r in rows] == [
        ("1", "拉萨甲公司", "incomplete"), ("2", "乙中心", ""), ("3", "丙协会", "ineligible")]
    assert "satisfaction_pct" in rows[1]["error"] and rows[0]["error"] == ""
    assert rows[2]["failed"] == "total_assets_wan;trainees_per_year;functions_offered"


def test_csv_unknown_column_rejects_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write(tmp_path, "in.csv", "id,资产总额,联系人\n1,120,张三\n")
    dst = tmp_path / "out.csv"
    rc, _out, err = run(["--csv", src, "--out", str(dst)], capsys)
    assert rc == 2 and "联系人" in err and len(err.strip().splitlines()) == 1
    assert not dst.exists()


def test_csv_to_stdout_puts_the_summary_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(["--csv", write(tmp_path, "in.csv", "total_assets_wan\n50\n")], capsys)
    assert rc == 0 and out.startswith("verdict,") and err.strip().startswith("共 1 行")


@pytest.mark.parametrize("extra", [["--json"], ["--format", "html"]])
def test_csv_with_a_report_format_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  extra: list[str]) -> None:
    rc, _, _ = run(["--csv", write(tmp_path, "in.csv", "id\n"), *extra], capsys)
    assert rc == 2


def test_profile_and_csv_are_exclusive_and_one_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([], capsys)[0] == 2
    assert run(["--profile", "a.json", "--csv", "b.csv"], capsys)[0] == 2


def test_csv_founding_month_counts_to_the_as_of_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write(tmp_path, "in.csv", "id,运营年限\n1,2024年11月\n")
    for as_of, failed in [("2026-11-29", "years_operating"), ("2026-11-30", "")]:
        dst = tmp_path / f"{as_of}.csv"
        assert run(["--csv", src, "--out", str(dst), "--as-of", as_of], capsys)[0] == 0
        row = next(csv.DictReader(io.StringIO(dst.read_text(encoding="utf-8-sig"))))
        assert row["failed"] == failed


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    # Without a terminal there is none: see test_csv_gb18030_with_a_bad_row (stderr stays empty).
    import os
    import pty

    src = write(tmp_path, "big.csv", "id,total_assets_wan\n" + "".join(f"{i},{i}\n" for i in range(250)))
    cmd = [sys.executable, "-m", "bot", "selfcheck", "--csv", src, "--out", str(tmp_path / "o.csv")]
    leader, follower = pty.openpty()
    try:
        tty = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=follower, timeout=60, check=False)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert tty.returncode == 0
    assert "自测中 [" in seen.decode() and "250/250" in seen.decode()
    assert "共 250 行" in tty.stdout.decode()
