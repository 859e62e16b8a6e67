"""Which application materials each user has prepared: the ``/materials`` checklist, "营业执照和审计报告已经准备好了",
"还差什么". An ambiguous mention ("报告好了") is never marked without a confirmation question."""

from __future__ import annotations

import functools
import logging
import re
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from dialogs._context import Context, Handler
from dialogs._registry import intent_handler, register_flow
from dialogs._types import Button, Reply
from dialogs.reminders import _catalog
from dialogs.reminders._catalog import Catalog, Material, Mention
from dialogs.store.models import MaterialStatus
from knowledge import KnowledgeError, render

log = logging.getLogger(__name__)
SOURCE = "三、申请材料（二）"
CONFIRM_FLOW = "materials_confirm"
_MISSING_WORDS = ("还差", "缺", "没准备", "未准备", "哪些没", "还有哪些", "剩")
_DONE_WORDS = ("好了", "准备好", "备齐", "齐了", "完成", "有了", "搞定", "办好", "弄好", "写好", "拿到", "已经")
_NONE_WORDS = ("都不是", "不是", "取消", "算了", "不用")
# built once (building it per call cost more than running it)
_DONE = select(MaterialStatus).where(MaterialStatus.user_id == bindparam("uid"), MaterialStatus.done)


def catalog_required(handler: Handler) -> Handler:
    """A missing or invalid materials file gets a polite reply (and a log line), not a crash."""

    @functools.wraps(handler)
    def wrapped(ctx: Context) -> list[Reply]:
        try:
            return handler(ctx)
        except KnowledgeError:
            log.exception("materials catalog unavailable")
            return [Reply(render("materials/unavailable"))]

    return wrapped


def done_keys(session: Session, user_id: int) -> set[str]:
    rows = session.scalars(_DONE, {"uid": user_id})
    return {row.key for row in rows}


def missing_materials(session: Session, user_id: int, catalog: Catalog | None = None) -> list[Material]:
    cat = catalog or _catalog.current()
    done = done_keys(session, user_id)
    return [m for m in cat.applicant if m.key not in done]


def set_status(session: Session, user_id: int, key: str, done: bool, now: datetime) -> None:
    row = session.get(MaterialStatus, (user_id, key))
    if row is None:
        session.add(MaterialStatus(user_id=user_id, key=key, done=done, updated_at=now))
    else:
        row.done = done
        row.updated_at = now
    session.flush()


def checklist(ctx: Context, only_missing: bool = False) -> list[Reply]:
    cat = _catalog.current()
    done = done_keys(ctx.session, ctx.user.id)
    items = cat.applicant
    missing = [m for m in items if m.key not in done]
    ctx.sources.append(SOURCE)
    text = render("materials/checklist", items=items, done=done, missing=missing, total=len(items),
                  recommendation=cat.recommendation, only_missing=only_missing)
    buttons = () if only_missing else tuple(
        Button(f"{'✓' if m.key in done else '✗'} {m.no}. {m.name}",
               f"/materials_set {m.key} {'todo' if m.key in done else 'done'}") for m in items)
    if only_missing and missing:
        buttons = (Button("查看完整清单", "/materials"),)
    return [Reply(text, buttons=buttons)]


def _summary(ctx: Context, marked_done: list[str], marked_todo: list[str]) -> Reply:
    cat = _catalog.current()
    missing = [m.name for m in missing_materials(ctx.session, ctx.user.id, cat)]
    return Reply(render("materials/updated", marked_done=marked_done, marked_todo=marked_todo, missing=missing,
                        total=len(cat.applicant)), buttons=(Button("查看材料清单", "/materials"),))


def _confirm_question(ctx: Context, mention: Mention, done: bool) -> Reply:
    cat = _catalog.current()
    candidates = [m for m in (cat.get(k) for k in mention.keys) if m is not None]
    ctx.state.reset_flow()
    ctx.state.flow, ctx.state.step = CONFIRM_FLOW, "pick"
    ctx.state.slots = {"keys": [m.key for m in candidates], "done": done, "term": mention.text}
    verb = "done" if done else "todo"
    buttons = tuple(Button(f"{n}. {m.name}", f"/materials_set {m.key} {verb}") for n, m in enumerate(candidates, 1))
    return Reply(render("materials/confirm", term=mention.text, candidates=candidates),
                 buttons=(*buttons, Button("都不是", "/materials_set none")))


def apply_mentions(ctx: Context, mentions: list[Mention]) -> list[Reply]:
    """Mark the certain mentions; ask about the first ambiguous one (never mark it unconfirmed)."""
    cat = _catalog.current()
    certain = [m for m in mentions if not m.ambiguous]
    certain_keys = {m.keys[0] for m in certain}
    unsure = [m for m in mentions if m.ambiguous and not set(m.keys) & certain_keys]
    marked_done: list[str] = []
    marked_todo: list[str] = []
    for mention in certain:
        material = cat.get(mention.keys[0])
        if material is None or material.by_recommender:
            continue
        set_status(ctx.session, ctx.user.id, material.key, not mention.negated, ctx.now)
        target = marked_todo if mention.negated else marked_done
        if material.name not in target:
            target.append(material.name)
    replies = [_summary(ctx, marked_done, marked_todo)] if marked_done or marked_todo else []
    if unsure:
        replies.append(_confirm_question(ctx, unsure[0], not unsure[0].negated))
    return replies


@intent_handler("materials_status")
@catalog_required
def materials_status(ctx: Context) -> list[Reply]:
    mentions = _catalog.current().mentions(ctx.text)
    if mentions and any(w in ctx.text for w in _DONE_WORDS) and not ctx.text.startswith("/"):
        return apply_mentions(ctx, mentions)
    return checklist(ctx, only_missing=any(w in ctx.text for w in _MISSING_WORDS))


@intent_handler("materials_update")
@catalog_required
def materials_update(ctx: Context) -> list[Reply]:
    mentions = _catalog.current().mentions(ctx.text)
    if not mentions:
        if any(w in ctx.text for w in _MISSING_WORDS):
            return checklist(ctx, only_missing=True)
        return [Reply(render("materials/which"), buttons=(Button("查看材料清单", "/materials"),))]
    return apply_mentions(ctx, mentions)


@intent_handler("materials_set")
@catalog_required
def materials_set(ctx: Context) -> list[Reply]:
    """Button payloads: ``/materials_set <key> done|todo`` and ``/materials_set none``."""
    if ctx.state.flow == CONFIRM_FLOW:
        ctx.state.reset_flow()
    parts = ctx.text.split()
    material = _catalog.current().get(parts[1]) if len(parts) >= 2 else None
    if material is None or material.by_recommender:
        return [Reply(render("materials/not_marked"))]
    done = not (len(parts) >= 3 and parts[2] == "todo")
    set_status(ctx.session, ctx.user.id, material.key, done, ctx.now)
    return [_summary(ctx, [material.name] if done else [], [] if done else [material.name])]


class ConfirmFlow:
    """Waits for the answer to "您说的“报告”是指哪一项？": a number, a name, or "都不是"."""

    name = CONFIRM_FLOW

    def handle(self, ctx: Context) -> list[Reply] | None:
        keys: list[str] = list(ctx.state.slots.get("keys", []))
        done = bool(ctx.state.slots.get("done", True))
        text = ctx.text.strip()
        if text.startswith("/"):
            ctx.state.reset_flow()
            return None
        picked = self._pick(text, keys)
        if picked is None:
            if any(text.startswith(w) for w in _NONE_WORDS):
                ctx.state.reset_flow()
                return [Reply(render("materials/not_marked"))]
            ctx.state.reset_flow()  # another question: answer it normally, nothing is marked
            return None
        ctx.state.reset_flow()
        return apply_mentions(ctx, [Mention((picked,), text, negated=not done)])

    @staticmethod
    def _pick(text: str, keys: list[str]) -> str | None:
        number = re.fullmatch(r"第?([1-9])(项|个)?", text)
        if number and int(number.group(1)) <= len(keys):
            return keys[int(number.group(1)) - 1]
        named = {k for m in _catalog.current().mentions(text) if not m.ambiguous for k in m.keys}
        chosen = [k for k in keys if k in named]
        return chosen[0] if len(chosen) == 1 else None

    def resume(self, ctx: Context) -> list[Reply]:
        return []

    def asking(self, ctx: Context) -> tuple[str | None, str | None, str | None]:
        return None, None, None


register_flow(ConfirmFlow())
