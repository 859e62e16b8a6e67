"""A document the notice does not ask for is said plainly not to be among the listed materials, with where it
could go (第8项 其他材料), instead of being called out of scope; a listed one is answered as before."""

from __future__ import annotations

import pytest

from dialogs import Store
from dialogs._unlisted import unlisted_document
from nlu import parse
from tests.dialogs.selfcheck.dialogue_helpers import Chat


@pytest.mark.parametrize(("text", "doc"), [
    ("要不要纳税证明", "纳税证明"),
    ("社保缴纳证明要吗", "社保缴纳证明"),
    ("需要提供完税证明吗", "完税证明"),
    ("我们要不要开无犯罪证明", "无犯罪证明"),
    ("营业执照要吗", None),
    ("租赁合同要交吗", None),
    ("要不要资质证明", None),
    ("资产总额怎么算", None),
])
def test_a_document_is_unlisted_only_when_no_listed_material_names_it(text: str, doc: str | None) -> None:
    assert unlisted_document(text) == doc


@pytest.mark.parametrize("text", ["要不要纳税证明", "社保缴纳证明要吗"])
def test_an_unlisted_document_is_said_to_be_unlisted_with_the_clause(store: Store, text: str) -> None:
    turn = Chat(store, parser=parse).say(text)
    assert "没有单独要求" in turn.text and "第8项“能够证明符合申报条件的其他材料”" in turn.text
    assert "超出" not in turn.text and "三、申请材料（二）" in turn.sources and not turn.fallback
