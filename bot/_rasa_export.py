"""A Rasa 3 project made from shenbao's content: the NLU data, one response per answer, one rule per intent.

The project answers questions the way shenbao does (same texts, same clause references, same buttons); the
self-check, materials tracking and reminders need shenbao's stored state, so in the export their intents get
one response that says where to find them. ``rasa train`` then ``rasa run --enable-api`` serves it with the
REST channel (``credentials.yml``), for comparison or for a team that moves to Rasa.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from knowledge import compose, has_answer, knowledge_base, read_yaml, render
from knowledge.errors import KnowledgeError

__all__ = ["FALLBACK_INTENTS", "build_project", "write_project"]

FALLBACK_INTENTS = ("nlu_fallback", "out_of_scope")
NLU_DIR = Path(__file__).resolve().parent.parent / "nlu"
RULE_POLICY = {"name": "RulePolicy", "core_fallback_threshold": 0.3,
               "core_fallback_action_name": "action_default_fallback", "enable_fallback_prediction": True}


class _Dumper(yaml.SafeDumper):
    """Multi-line texts as literal blocks, so the exported responses stay readable; no YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def training_intents(nlu_data: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(str(item["intent"]) for item in nlu_data.get("nlu") or () if "intent" in item))


def _response(intent: str) -> dict[str, Any]:
    if has_answer(intent):
        answer = compose(intent)
        out: dict[str, Any] = {"text": answer.text}
        if answer.buttons:
            out["buttons"] = [{"title": title, "payload": payload} for title, payload in answer.buttons]
        return out
    kind = knowledge_base().kind(intent)
    return {"text": render("export/rasa_action", intent=intent, kind=kind or "")}


def build_domain(intents: list[str]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for intent in intents:
        if intent not in FALLBACK_INTENTS:
            responses[f"utter_{intent}"] = [_response(intent)]
    fallback = [_response("nlu_fallback")]
    responses["utter_nlu_fallback"] = fallback
    responses["utter_default"] = fallback  # what Rasa's action_default_fallback says
    return {
        "version": "3.1",
        "intents": [*intents, *(i for i in FALLBACK_INTENTS if i not in intents)],
        "responses": responses,
        "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
    }


def build_rules(intents: list[str]) -> dict[str, Any]:
    rules = [{"rule": f"answer {intent}", "steps": [{"intent": intent}, {"action": f"utter_{intent}"}]}
             for intent in intents if intent not in FALLBACK_INTENTS]
    rules += [{"rule": f"out of scope ({name})", "steps": [{"intent": name}, {"action": "utter_nlu_fallback"}]}
              for name in FALLBACK_INTENTS]
    return {"version": "3.1", "rules": rules}


def build_config(nlu_config: dict[str, Any]) -> dict[str, Any]:
    config = dict(nlu_config)
    config.setdefault("recipe", "default.v1")
    config.setdefault("assistant_id", "shenbao")
    config["policies"] = [RULE_POLICY]
    return config


def build_project(nlu_dir: Path = NLU_DIR) -> dict[str, str]:
    """File name → content of the Rasa project (domain, rules, config, data/nlu.yml, credentials, endpoints)."""
    nlu_file, config_file = nlu_dir / "nlu.yml", nlu_dir / "config.yml"
    nlu_data, nlu_config = read_yaml(nlu_file), read_yaml(config_file)
    if not isinstance(nlu_data, dict) or not training_intents(nlu_data):
        raise KnowledgeError(str(nlu_file), "nlu", "没有训练意图")
    if not isinstance(nlu_config, dict) or not nlu_config.get("pipeline"):
        raise KnowledgeError(str(config_file), "pipeline", "缺少 Rasa 管线")
    intents = training_intents(nlu_data)
    header = "# Exported by `shenbao rasa export` from knowledge/ and nlu/; regenerate rather than edit.\n"
    return {
        "domain.yml": header + _dump(build_domain(intents)),
        "data/rules.yml": header + _dump(build_rules(intents)),
        "data/nlu.yml": nlu_file.read_text(encoding="utf-8"),
        "config.yml": header + _dump(build_config(nlu_config)),
        "credentials.yml": header + "rest:\n",
        "endpoints.yml": header + "# no action server: every reply is a response in domain.yml\n",
    }


def write_project(target: Path, files: dict[str, str]) -> list[Path]:
    written = []
    for name, content in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
