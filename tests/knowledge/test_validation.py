"""``kb check`` and the validator: the shipped data is valid; a broken copy names the right file and key."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from knowledge import KNOWLEDGE_DIR, KnowledgeError, validate


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_shipped_knowledge_is_valid() -> None:
    summary = validate(KNOWLEDGE_DIR)
    assert summary.clauses >= 30
    assert summary.materials == 10
    assert summary.thresholds == 15


def _drop_answer(d: dict) -> None:  # type: ignore[type-arg]
    del d["answers"]["condition_assets"]


def _bad_source(d: dict) -> None:  # type: ignore[type-arg]
    d["answers"]["publicity"]["sources"] = ["四、申报审批流程（六）"]


def _bad_material_clause(d: dict) -> None:  # type: ignore[type-arg]
    d["materials"][6]["clause"] = "三、申请材料（二）第10项"


def _bad_threshold(d: dict) -> None:  # type: ignore[type-arg]
    d["basic"][3]["require"] = {"min": "一百"}


def _bad_indicator_clause(d: dict) -> None:  # type: ignore[type-arg]
    d["basic"][2]["clause"] = "二、申报条件（一）第9项"


def _unknown_intent_answer(d: dict) -> None:  # type: ignore[type-arg]
    d["answers"]["weather"] = {"template": "answers/greet", "sources": []}


def _bad_publicity(d: dict) -> None:  # type: ignore[type-arg]
    d["publicity"]["working_days"] = 0


def _bad_placeholder(d: dict) -> None:  # type: ignore[type-arg]
    d["clauses"][2]["text"] = "运营{{ t.no_such_key }}年以上"


CASES = [
    ("answers.yml", _drop_answer, "answers.yml", "answers.condition_assets"),
    ("answers.yml", _bad_source, "answers.yml", "answers.publicity.sources[0]"),
    ("materials.yml", _bad_material_clause, "materials.yml", "cases.clause"),
    ("indicators.yml", _bad_threshold, "indicators.yml", "total_assets_wan.require.min"),
    ("indicators.yml", _bad_indicator_clause, "indicators.yml", "years_operating.clause"),
    ("answers.yml", _unknown_intent_answer, "answers.yml", "answers.weather"),
    ("process.yml", _bad_publicity, "process.yml", "publicity.working_days"),
    ("clauses.yml", _bad_placeholder, "clauses.yml", "二、申报条件（一）第1项.text"),
]


@pytest.mark.parametrize(("name", "change", "file", "key"), CASES, ids=[c[3] for c in CASES])
def test_broken_copy_names_file_and_key(kb_copy: Path, name: str, change: Callable[[dict], None],  # type: ignore[type-arg]
                                        file: str, key: str) -> None:
    edit_yaml(kb_copy / name, change)
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy)
    assert (err.value.file, err.value.key) == (file, key)


def test_missing_template_is_reported(kb_copy: Path) -> None:
    (kb_copy / "templates" / "answers" / "publicity.j2").unlink()
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy)
    assert err.value.file == "templates/answers/publicity.j2"
    assert err.value.key == "answers.publicity"


def test_missing_english_template_is_reported(kb_copy: Path) -> None:
    (kb_copy / "templates" / "answers_en" / "publicity.j2").unlink()
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy)
    assert (err.value.file, err.value.key) == ("templates/answers_en/publicity.j2", "answers.publicity")
    assert "英文模板" in err.value.problem


def _drop_indicator(data: dict) -> None:  # type: ignore[type-arg]
    del data["indicators"]["service_staff"]


def _drop_flag(data: dict) -> None:  # type: ignore[type-arg]
    data["materials"]["cases"]["flags"] = []


def _unquoted_step(data: dict) -> None:  # type: ignore[type-arg]
    data["process"]["steps"][2]["and the applicants apply"] = None


@pytest.mark.parametrize(
    ("change", "key"),
    [(_drop_indicator, "indicators"), (_drop_flag, "materials.cases.flags"), (_unquoted_step, "process.steps.2")],
)
def test_every_term_needs_its_english_name(kb_copy: Path, change: Callable[[dict], None],  # type: ignore[type-arg]
                                           key: str) -> None:
    edit_yaml(kb_copy / "english.yml", change)
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy)
    assert (err.value.file, err.value.key) == ("english.yml", key)


def test_template_with_unknown_variable_is_reported(kb_copy: Path) -> None:
    (kb_copy / "templates" / "answers" / "greet.j2").write_text("您好，{{ t.no_such_threshold }}。", encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy)
    assert err.value.key == "answers.greet"


def test_yaml_syntax_error_names_the_file(kb_copy: Path) -> None:
    (kb_copy / "process.yml").write_text("steps: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy)
    assert err.value.file.endswith("process.yml")


def test_nlu_file_must_match_intents(kb_copy: Path, tmp_path: Path) -> None:
    nlu = tmp_path / "nlu.yml"
    nlu.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - 你好\n', encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy, nlu)
    assert err.value.file == "intents.yml"  # every other intent lacks examples
    intents = yaml.safe_load((kb_copy / "intents.yml").read_text(encoding="utf-8"))["intents"]
    lines = ['version: "3.1"', "nlu:"]
    for name in [*intents, "weather_talk"]:
        lines += [f"- intent: {name}", "  examples: |", "    - 例句"]
    nlu.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        validate(kb_copy, nlu)
    assert (err.value.file, err.value.key) == ("nlu/nlu.yml", "intent: weather_talk")


def _kb_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "kb", "check", *args], capture_output=True, text=True,
                          timeout=60, check=False)


def test_kb_check_command_ok_and_error(kb_copy: Path) -> None:
    ok = _kb_check()
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK") and "材料 10 项" in ok.stdout
    edit_yaml(kb_copy / "answers.yml", _bad_source)
    bad = _kb_check("--dir", str(kb_copy), "--nlu", str(kb_copy / "absent.yml"))
    assert bad.returncode == 1
    assert "answers.yml" in bad.stderr and "answers.publicity.sources[0]" in bad.stderr
    assert "Traceback" not in bad.stderr


FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|万|家|%|人次|人|次|个工作日|工作日|字)")
SINGLE_SOURCE_FILES = ["clauses.yml", "materials.yml", "process.yml", "answers.yml", "contacts.yml", "org_kinds.yml",
                       "roles.yml"]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("name", SINGLE_SOURCE_FILES)
def test_figures_are_written_once(name: str) -> None:
    """Thresholds live in indicators.yml, the publicity days and cycle in process.yml, the case length in
    materials.yml (as numbers); every text that mentions them uses a placeholder."""
    data = yaml.safe_load((KNOWLEDGE_DIR / name).read_text(encoding="utf-8"))
    offenders = [s for s in _strings(data) if FIGURE.search(s)]
    assert offenders == []


ENGLISH_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|万|%|million|yuan|years?|companies|SMEs|people|person-times|"
                            r"times|working days|characters|Chinese characters)\b")


def test_english_names_and_templates_write_no_figure() -> None:
    data = yaml.safe_load((KNOWLEDGE_DIR / "english.yml").read_text(encoding="utf-8"))
    assert [s for s in _strings(data) if ENGLISH_FIGURE.search(s) or FIGURE.search(s)] == []
    folder = KNOWLEDGE_DIR / "templates" / "answers_en"
    offenders = {p.name: ENGLISH_FIGURE.findall(p.read_text(encoding="utf-8")) for p in folder.glob("*.j2")
                 if p.name != "help.j2"}  # help.j2 shows an example question a user might type
    assert {k: v for k, v in offenders.items() if v} == {}


def test_answer_templates_take_figures_from_the_data() -> None:
    folder = KNOWLEDGE_DIR / "templates" / "answers"
    offenders = {p.name: FIGURE.findall(p.read_text(encoding="utf-8")) for p in folder.glob("*.j2")
                 if p.name != "help.j2"}  # help.j2 shows an example question a user might type
    assert {k: v for k, v in offenders.items() if v} == {}
