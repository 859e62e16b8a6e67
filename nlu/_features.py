"""Features of a question for the built-in classifier: character n-grams and jieba words of the normalised
text, in which the quantities found by the entity extractor are replaced by one placeholder per kind and the
synonyms of ``nlu.yml`` by their canonical form; plus one feature per lookup table that matches."""

from __future__ import annotations

import functools
import logging
import operator
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import jieba
import platformdirs

from nlu._language import detect_language
from nlu._normalize import normalize
from nlu._types import Entity

__all__ = ["Featurizer", "cache_dir", "placeholder_text"]

_PLACEHOLDERS = {
    ("money", None): "Ⓜ",
    ("percent", None): "Ⓟ",
    ("duration", None): "Ⓨ",
    ("date", None): "Ⓓ",
    ("count", "家"): "Ⓚ",
    ("count", "人"): "Ⓡ",
    ("count", "人次"): "Ⓢ",
    ("count", "次"): "Ⓒ",
    ("email", None): "Ⓔ",
}
_COUNT_DEFAULT = "Ⓒ"
# Neither a letter or digit (``[^\W_]`` is exactly Unicode categories L and N: checked over all code points with
# Python 3.11) nor a placeholder.
_NOT_CONTENT = re.compile(r"[^\wⓂⓅⓎⒹⓀⓇⓈⒸⒺ]|_")
# English words are kept apart; punctuation and hyphens separate them ("self-assessment", "bank/enterprise"),
# apostrophes do not ("don't" → "dont")
_ENGLISH_SEPARATOR = re.compile(r"(?:[^\wⓂⓅⓎⒹⓀⓇⓈⒸⒺ]|_)+")
# Words of the notice that a general dictionary cuts badly; jieba keeps them whole.
_DOMAIN_WORDS = (
    "示范平台", "申报", "满意度", "营业执照", "法人证书", "审计报告", "专项审计", "不动产权证书", "租赁合同",
    "真实性声明", "创业辅导师", "典型案例", "推荐表", "管委会", "经信局", "经信厅", "公益性服务", "低收费服务",
    "独立法人", "资产总额", "服务人员", "中级职称", "银企对接", "产融对接", "专家库", "项目库", "创业项目库",
    "公示期", "工作日", "自测", "转人工", "专精特新", "小巨人", "高新技术企业", "附件1", "附件2", "运营年限",
    "集聚", "服务机构", "稳步增长", "品牌影响力", "人次", "收费优惠", "小微企业", "小型微型企业", "截止",
)
_JIEBA_MIN_FREQ = 50
_log = logging.getLogger(__name__)
_jieba_lock = threading.Lock()


def cache_dir() -> Path:
    """Where trained models and the reduced jieba dictionary are cached (never committed): the user cache
    directory or ``SHENBAO_CACHE_DIR``; a private temporary directory when that one cannot be written."""
    configured = os.environ.get("SHENBAO_CACHE_DIR")
    path = Path(configured) if configured else Path(platformdirs.user_cache_dir("shenbao"))
    try:
        path.mkdir(parents=True, exist_ok=True)
        if os.access(path, os.W_OK):
            return path
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"shenbao-cache-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    fallback.mkdir(mode=0o700, exist_ok=True)
    _log.warning("cache directory %s is not writable; using %s", path, fallback)
    return fallback


def _small_dictionary() -> Path:
    """jieba's dictionary without its rare words: a quarter of the memory, the same cuts for common words."""
    target = cache_dir() / f"jieba_min{_JIEBA_MIN_FREQ}.txt"
    if not target.exists():
        source = Path(jieba.__file__).resolve().parent / "dict.txt"
        kept = [line for line in source.read_text(encoding="utf-8").splitlines()
                if len(parts := line.split()) >= 2 and parts[1].isdigit() and int(parts[1]) >= _JIEBA_MIN_FREQ]
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(kept) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    return target


@functools.cache
def _tokenizer() -> jieba.Tokenizer:
    with _jieba_lock:
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer(str(_small_dictionary()))
        tokenizer.tmp_dir = str(cache_dir())
        tokenizer.initialize()
        for word in _DOMAIN_WORDS:
            tokenizer.add_word(word, freq=100_000)
        return tokenizer


def placeholder_text(norm: str, entities: Iterable[Entity]) -> str:
    """Replace each quantity by its placeholder character; ``norm`` has the original text's offsets."""
    out = list(norm)
    for ent in sorted(entities, key=lambda e: e.start, reverse=True):
        mark = _PLACEHOLDERS.get((ent.entity, ent.unit))
        if mark is None and ent.entity == "count":
            mark = _COUNT_DEFAULT
        if mark is not None:
            out[ent.start:ent.end] = [mark]
    return "".join(out)


def _content(text: str) -> str:
    """Letters, digits and placeholders only (punctuation, spaces, emoji and control characters dropped)."""
    return _NOT_CONTENT.sub("", text)


class Featurizer:
    """Turns a question into feature strings; the same object serves training and parsing."""

    def __init__(self, synonyms: Mapping[str, str], lookups: Mapping[str, Sequence[str]]) -> None:
        table = {normalize(k): normalize(v) for k, v in synonyms.items()}
        table.update({v: v for v in list(table.values())})
        self._synonyms = table
        alternatives = sorted(table, key=len, reverse=True)
        self._synonym_re = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None
        self._lookups = {name: tuple(normalize(t) for t in terms) for name, terms in lookups.items()}
        for terms in self._lookups.values():
            for term in terms:
                _tokenizer().add_word(term, freq=100_000)
        # one search per table: does any of its terms occur in the text
        self._lookup_res = {name: re.compile("|".join(map(re.escape, terms)))
                            for name, terms in self._lookups.items() if terms}

    def content(self, text: str, entities: Iterable[Entity], norm: str | None = None, lang: str | None = None) -> str:
        """The normalised text the features are computed from; ``norm`` is ``normalize(text)`` and ``lang``
        ``detect_language(text)`` when the caller has them already. English keeps one space between words, so
        the n-grams see word boundaries and jieba returns the words."""
        if norm is None:
            norm = normalize(text)
        marked = placeholder_text(norm, entities) if entities else norm  # most questions have no quantity
        if self._synonym_re is not None:
            marked = self._synonym_re.sub(lambda m: self._synonyms[m.group(0)], marked)
        if (lang or detect_language(text)) == "en":
            return " ".join(_ENGLISH_SEPARATOR.split(marked.replace("'", "").replace("’", ""))).strip()
        return _content(marked)

    def features(self, content: str) -> list[str]:
        padded = f"^{content}$"
        feats = list(padded)  # character 1-, 2- and 3-grams, in this order
        bigrams = list(map(operator.add, padded, padded[1:]))
        feats += bigrams
        feats += map(operator.add, bigrams, padded[2:])
        feats += ["w:" + w for w in _tokenizer().lcut(content, HMM=True) if w.strip()]
        feats.extend(f"L:{name}" for name, pattern in self._lookup_res.items() if pattern.search(content))
        return feats
