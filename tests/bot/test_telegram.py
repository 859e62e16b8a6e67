"""Telegram end to end: the real PTB Application polls a fake Bot API server over real HTTP on 127.0.0.1."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot._core import CoreRunner
from bot.telegram import TelegramService, TelegramSettings
from dialogs import Assistant, Store
from tests.bot._support import is_privacy_notice, keyword_parser
from tests.bot.fake_telegram import BOT_USER, TOKEN, FakeBotApi

USER = 1001
GROUP = -100200


def make_service(store: Store, fake: FakeBotApi) -> TelegramService:
    runner = CoreRunner(Assistant(store, parser=keyword_parser))
    return TelegramService(runner, TelegramSettings(token=fake.token, api_base_url=fake.base_url, poll_timeout=1))


async def stop_service(service: TelegramService, fake: FakeBotApi) -> None:
    await fake.release_polls()
    await service.stop()
    await fake.release_polls(False)
    service.channel.runner.close()


@pytest.fixture
async def bot(fake: FakeBotApi, store: Store) -> AsyncIterator[TelegramService]:
    service = make_service(store, fake)
    await service.start()
    yield service
    await stop_service(service, fake)


def answers(fake: FakeBotApi, chat_id: int = USER) -> list[dict[str, object]]:
    """What the bot sent to the chat, without the privacy notice of a user's first contact."""
    return [m for m in fake.sent(chat_id) if not is_privacy_notice(str(m.get("text", "")))]


async def ask(fake: FakeBotApi, text: str, count: int = 1, chat_id: int = USER, **kwargs: object) -> list[str]:
    """Send a message and wait until ``count`` more answers arrived in the chat; return them."""
    before = len(answers(fake, chat_id))
    await fake.push_text(text, chat_id=chat_id, **kwargs)  # type: ignore[arg-type]
    await fake.wait_for(lambda: len(answers(fake, chat_id)) >= before + count)
    return [str(m.get("text", "")) for m in answers(fake, chat_id)[before:]]


async def test_commands_are_registered_in_chinese(fake: FakeBotApi, bot: TelegramService) -> None:
    [call] = fake.calls_to("setMyCommands")
    names = [c["command"] for c in call.params["commands"]]
    assert names == ["start", "help", "selfcheck", "materials", "deadline", "remind", "report", "forget", "privacy",
                     "cancel"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c["description"]) for c in call.params["commands"])
    assert "scope" not in call.params, "everybody's menu has no administrator commands"


async def test_administrators_get_their_commands_in_their_own_menu(fake: FakeBotApi, store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHENBAO_ADMIN_IDS", "777, 888")
    service = make_service(store, fake)
    await service.start()
    try:
        everyone, *admins = fake.calls_to("setMyCommands")
    finally:
        await stop_service(service, fake)
    assert "stats" not in str(everyone.params["commands"])
    assert sorted(c.params["scope"]["chat_id"] for c in admins) == [777, 888]
    for call in admins:
        names = [c["command"] for c in call.params["commands"]]
        assert names[-2:] == ["stats", "export"] and "privacy" in names


async def test_start_and_a_question_get_answers(fake: FakeBotApi, bot: TelegramService) -> None:
    [greeting] = await ask(fake, "/start")
    assert greeting.strip()
    [answer] = await ask(fake, "资产总额要多少？")
    assert "100万元" in answer and "二、申报条件（一）第3项" in answer


async def press(fake: FakeBotApi, message: dict[str, object], title: str) -> None:
    """Tap the button titled ``title`` (✓ ignored) and wait until the bot reacted to it."""
    rows = message["reply_markup"]["inline_keyboard"]  # type: ignore[index]
    data = next(b["callback_data"] for row in rows for b in row if b["text"].removeprefix("✓ ") == title)
    calls = len(fake.calls)
    await fake.press(message, data)
    await fake.wait_for(lambda: any(c.method in ("editMessageText", "sendMessage") for c in fake.calls[calls:]))


def titles(message: dict[str, object]) -> list[str]:
    return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]  # type: ignore[index]


async def test_buttons_become_an_inline_keyboard_and_a_press_answers(fake: FakeBotApi, bot: TelegramService) -> None:
    await ask(fake, "测验")
    question = fake.sent(USER)[-1]
    assert [[b["callback_data"] for b in row] for row in question["reply_markup"]["inline_keyboard"]] == [["是", "否"]]
    before = len(fake.sent(USER))
    await press(fake, question, "是")
    await fake.wait_for(lambda: len(fake.sent(USER)) > before)
    assert fake.calls_to("answerCallbackQuery")
    # the question keeps its text, shows the choice, and loses its keyboard
    assert question["text"].endswith("（您选择了：是）") and "reply_markup" not in question
    multi = fake.sent(USER)[-1]
    assert "可多选" in multi["text"] and titles(multi)[-1] == "完成"
    # each tap goes to the core, which keeps the selection; the question is updated in place with ✓ marks
    for option in ("信息服务", "融资服务", "技术服务", "技术服务"):
        await press(fake, multi, option)
    assert titles(multi) == ["✓ 信息服务", "技术服务", "创业服务", "培训服务", "✓ 融资服务", "完成"]
    assert "已选择：信息服务、融资服务。" in multi["text"]
    assert len(fake.sent(USER)) == before + 1  # no new message per tap
    await press(fake, multi, "完成")
    await fake.wait_for(lambda: fake.texts(USER)[-1].startswith("测验完成"))
    assert fake.texts(USER)[-1] == "测验完成：独立法人=是；服务功能=信息服务、融资服务。"
    assert multi["text"].endswith("（您选择了：信息服务、融资服务）") and "reply_markup" not in multi


async def test_free_text_works_where_a_button_does(fake: FakeBotApi, bot: TelegramService) -> None:
    await ask(fake, "测验")
    await ask(fake, "否")
    [done] = await ask(fake, "我们有技术服务和培训服务")
    assert done == "测验完成：独立法人=否；服务功能=技术服务、培训服务。"


async def test_flood_control_429_is_retried_and_the_answer_arrives_once(fake: FakeBotApi,
                                                                        bot: TelegramService) -> None:
    await ask(fake, "计数")
    sends = len(fake.calls_to("sendMessage"))
    fake.fail("sendMessage", status=429, retry_after=1)
    [answer] = await ask(fake, "资产要多少")
    assert "100万元" in answer
    assert [c.status for c in fake.calls_to("sendMessage")[sends:]] == [429, 200]
    await fake.settle(0.5)
    assert len([t for t in fake.texts(USER) if "100万元" in t]) == 1


async def test_restart_in_the_middle_of_a_conversation_keeps_the_state(fake: FakeBotApi, store: Store) -> None:
    first = make_service(store, fake)
    await first.start()
    await ask(fake, "测验")
    await ask(fake, "是")
    multi = fake.sent(USER)[-1]
    await press(fake, multi, "创业服务")
    await stop_service(first, fake)
    # a new process: new store object over the same database, new Application
    second = make_service(Store(store.url), fake)
    await second.start()
    try:
        await press(fake, multi, "培训服务")
        assert titles(multi)[2:4] == ["✓ 创业服务", "✓ 培训服务"]  # the selection came from the database
        await press(fake, multi, "完成")
        await fake.wait_for(lambda: fake.texts(USER)[-1].startswith("测验完成"))
        assert fake.texts(USER)[-1] == "测验完成：独立法人=是；服务功能=创业服务、培训服务。"
        # no update was handled twice across the restart
        assert len([t for t in fake.texts(USER) if t.startswith("测验开始")]) == 1
    finally:
        await stop_service(second, fake)


@pytest.mark.parametrize(("field", "value", "kind"), [
    ("sticker", {"file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512,
                 "is_animated": False, "is_video": False}, "贴纸"),
    ("photo", [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}], "图片"),
    ("voice", {"file_id": "v1", "file_unique_id": "u3", "duration": 3}, "语音"),
    ("document", {"file_id": "d1", "file_unique_id": "u4", "file_name": "材料.pdf"}, "文件"),
    ("location", {"latitude": 29.65, "longitude": 91.13}, "位置"),
])
async def test_non_text_messages_get_a_polite_reply(fake: FakeBotApi, bot: TelegramService, field: str,
                                                    value: object, kind: str) -> None:
    await fake.push("message", fake.make_message(None, **{field: value}))
    await fake.wait_for(lambda: len(fake.sent(USER)) >= 1)
    assert f"无法识别{kind}" in fake.texts(USER)[0]


async def test_edited_messages_and_channel_posts_cause_no_error(fake: FakeBotApi, bot: TelegramService,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    await fake.push("edited_message", {**fake.make_message("资产改为150万"), "edit_date": 1})
    await fake.wait_for(lambda: len(fake.sent(USER)) >= 1)
    assert "不会重新处理" in fake.texts(USER)[0]
    post = fake.make_message("频道公告", chat_id=-100999, chat_type="channel")
    post.pop("from")
    await fake.push("channel_post", post)
    await fake.settle()
    assert fake.sent(-100999) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_group_chat_answers_only_when_addressed(fake: FakeBotApi, bot: TelegramService) -> None:
    group = {"chat_id": GROUP, "chat_type": "group"}
    await fake.push_text("资产要多少", **group)  # type: ignore[arg-type]
    await fake.push("message", fake.make_message(None, sticker={
        "file_id": "s", "file_unique_id": "u", "type": "regular", "width": 1, "height": 1, "is_animated": False,
        "is_video": False}, **group))  # type: ignore[arg-type]
    await fake.push_text("/help@another_bot", **group)  # type: ignore[arg-type]
    await fake.settle()
    assert fake.sent(GROUP) == []
    [answer] = await ask(fake, "@shenbao_test_bot 资产要多少", chat_id=GROUP, chat_type="group")
    assert "100万元" in answer
    bot_message = fake.sent(GROUP)[-1]
    [again] = await ask(fake, "计数", chat_id=GROUP, chat_type="group", reply_to_message=bot_message)
    assert again == "第1次"
    [helped] = await ask(fake, "/help@shenbao_test_bot", chat_id=GROUP, chat_type="group")
    assert helped.strip()


async def test_long_answers_are_split_on_paragraph_boundaries(fake: FakeBotApi, bot: TelegramService) -> None:
    await ask(fake, "长文", count=3)
    await fake.settle(0.2)
    parts = [str(m["text"]) for m in answers(fake)]
    assert len(parts) == 3
    assert all(len(p) <= 4096 for p in parts)
    paragraphs = [para for p in parts for para in p.split("\n\n")]
    assert [para.split("：")[0] for para in paragraphs] == [f"第{i}段" for i in range(1, 6)]


async def test_report_attachment_is_sent_as_a_document(fake: FakeBotApi, bot: TelegramService) -> None:
    await ask(fake, "报告", count=2)
    [doc] = fake.calls_to("sendDocument")
    name, content = doc.files["document"]
    assert name == "自测报告.html" and "自测报告" in content.decode()


async def test_token_never_reaches_the_log(fake: FakeBotApi, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    from bot._redact import install_redaction

    caplog.set_level(logging.DEBUG)
    flt = install_redaction(TOKEN)
    caplog.handler.addFilter(flt)
    service = make_service(store, fake)
    fake.fail("sendMessage", status=400, retry_after=None)  # a reply Telegram refuses: logged with its traceback
    await service.start()
    try:
        await fake.push_text("资产")
        await fake.wait_for(lambda: any(r.exc_text or r.exc_info for r in caplog.records))
    finally:
        await stop_service(service, fake)
        caplog.handler.removeFilter(flt)
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "not delivered" in logged and "BadRequest" in logged
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged
    assert BOT_USER["username"]


@pytest.fixture
async def real_bot(fake: FakeBotApi, store: Store) -> AsyncIterator[TelegramService]:
    """The bot over the real core and the real NLU."""
    service = TelegramService(CoreRunner(Assistant(store)),
                              TelegramSettings(token=fake.token, api_base_url=fake.base_url, poll_timeout=1))
    await service.start()
    yield service
    await stop_service(service, fake)


PREFERRED = ("确认", "是", "重新填写")


async def test_a_whole_self_check_by_button_presses(fake: FakeBotApi, real_bot: TelegramService) -> None:
    """The real self-check, answered only with buttons: 是 for yes/no, 不清楚 for numbers, two functions then 完成;
    it ends with the verdict and the HTML report as a document."""
    await fake.push_text("/selfcheck")
    for _step in range(80):
        await fake.wait_for(lambda: bool(fake.calls_to("sendDocument")) or (
            bool(fake.sent(USER)) and "reply_markup" in fake.sent(USER)[-1]))
        if fake.calls_to("sendDocument"):
            break
        question = fake.sent(USER)[-1]
        names = [t.removeprefix("✓ ") for t in titles(question)]
        if "完成" in names:
            ticked = [t for t in titles(question) if t.startswith("✓")]
            choice = "完成" if len(ticked) >= 2 else next(n for n, t in zip(names, titles(question), strict=True)
                                                        if not t.startswith("✓") and n not in ("完成", "上一题"))
        else:
            choice = next((p for p in PREFERRED if p in names), "不清楚" if "不清楚" in names else names[0])
        await press(fake, question, choice)
    [doc] = fake.calls_to("sendDocument")
    assert doc.files["document"][0] == "自测报告.html"
    assert any("（您选择了：" in t for t in fake.texts(USER))
    assert len(fake.calls_to("answerCallbackQuery")) >= 15  # every question was answered by a press


async def test_a_reminder_push_arrives_and_its_button_works(fake: FakeBotApi, bot: TelegramService) -> None:
    from bot._reminders import TelegramSender
    from dialogs import Button

    await TelegramSender(bot.bot).send(str(USER), "提醒：距申报截止还有3天。", (Button("资产要求", "资产"),))
    await fake.wait_for(lambda: bool(fake.sent(USER)))
    pushed = fake.sent(USER)[-1]
    assert pushed["text"] == "提醒：距申报截止还有3天。"
    await press(fake, pushed, "资产要求")
    await fake.wait_for(lambda: any("100万元" in t for t in fake.texts(USER)))


@pytest.mark.parametrize("command", ["/export@shenbao_test_bot", "/stats@shenbao_test_bot",
                                     "@shenbao_test_bot /export"])
async def test_admin_commands_in_a_group_post_nothing_of_the_results(fake: FakeBotApi, store: Store, command: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHENBAO_ADMIN_IDS", str(USER))
    service = make_service(store, fake)
    await service.start()
    try:
        [group_reply] = await ask(fake, command, chat_id=GROUP, chat_type="group")
        [private_reply] = await ask(fake, "/stats")
    finally:
        await stop_service(service, fake)
    assert not fake.calls_to("sendDocument"), "no CSV posted to the group"
    assert "私聊" in group_reply and "自测结果" not in group_reply and "用户" not in group_reply
    assert "自测结果" in private_reply  # the same admin, in a private chat, gets the statistics
