"""A document the notice does not ask for ("要不要纳税证明", "社保缴纳证明要吗"): said plainly, with where it
could go (the item for other supporting materials), instead of calling the question out of scope."""

from __future__ import annotations

import functools
import re

from knowledge import knowledge_base, load_file, render

# a document asked about: "要不要纳税证明", "需要提供完税证明吗" (needed before it) or "财务报表要交吗" (after it)
_DOC = (r"[\u4e00-\u9fff]{1,10}?"
        r"(?:证明|报表|证书|合同|清单|执照|许可证|发票|说明书|承诺书|授权书|登记表|章程|名册|协议|批复)")
_NEEDED = re.compile(
    rf"(?:要不要|需不需要|用不用|需要|必须|得)(?:提供|提交|交|附|准备|出具|开)?(?P<doc>{_DOC})(?:吗|么|不|嘛|呢|[?？]|$)"
    rf"|(?P<doc2>{_DOC})(?:也)?(?:要不要|需不需要|要|需要|用|得|必须)(?:提供|提交|交|附)?(?:吗|么|不|嘛|[?？])")
OTHER_MATERIAL = "other"


@functools.lru_cache(maxsize=1)
def _listed_words() -> tuple[str, ...]:
    """The names, titles and synonyms of the listed materials."""
    synonyms = load_file("material_synonyms.yml").get("synonyms") or {}
    words = [w for m in knowledge_base().materials for w in (m.name, m.title)]
    words += [w for names in synonyms.values() for w in names]
    return tuple(sorted(set(words), key=len, reverse=True))


def unlisted_document(text: str) -> str | None:
    """The document ``text`` asks whether to provide, when it is none of the listed materials."""
    match = _NEEDED.search(text)
    if match is None:
        return None
    doc = (match.group("doc") or match.group("doc2")).removeprefix("的")
    listed = any(w in doc or doc in w for w in _listed_words())
    return None if listed else doc


def unlisted_answer(doc: str, *, recommender: bool = False) -> tuple[str, str]:
    """The reply and its clause; ``recommender``: the asker speaks for a recommending body (not sent to one)."""
    kb = knowledge_base()
    applicant = [m for m in kb.materials if m.filled_by == "applicant"]
    other = kb.material(OTHER_MATERIAL)
    clause = f"{other.clause.rsplit('第', 1)[0]}"
    confirm_with = kb.variables["process"]["recommendation"]["submit_to"] if recommender else "推荐单位"
    return render("answers/material_unlisted", count=len(applicant), doc=doc, other=other, clause=clause,
                  confirm_with=confirm_with), clause
