"""The web chat page in headless Chromium (Debian's chromium driven by Playwright): a question and its answer,
a short button-driven flow with a multi-select, the report link, a phone-sized screen, a reload."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.http import create_app
from dialogs import Assistant, Store
from tests.bot._support import keyword_parser

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]


@contextlib.contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """``app`` on 127.0.0.1 in a thread with its own event loop (Playwright's sync API owns this one)."""
    started = threading.Event()
    state: dict[str, object] = {}

    async def serve() -> None:
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        stop = asyncio.Event()
        state.update(port=runner.addresses[0][1], loop=asyncio.get_running_loop(), stop=stop)
        started.set()
        await stop.wait()
        await runner.cleanup()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(30)
    try:
        yield f"http://127.0.0.1:{state['port']}/"
    finally:
        loop, stop = state["loop"], state["stop"]
        loop.call_soon_threadsafe(stop.set)  # type: ignore[attr-defined]
        thread.join(15)


@pytest.fixture
def live_url(store: Store) -> Iterator[str]:
    with serving(create_app(Assistant(store, parser=keyword_parser), store, nlu_name=lambda: "test")) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (scripts/test.sh installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


def last_bot_text(page: object) -> str:
    return str(page.locator(".msg.bot:not(.typing) .bubble").last.inner_text())  # type: ignore[attr-defined]


def test_chat_page_question_buttons_multi_select_and_report(browser: object, live_url: str,
                                                           tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_url)
    assert page.title().startswith("申报助手")
    sender = page.evaluate("localStorage.getItem('shenbao.sender')")
    assert re.fullmatch(r"[0-9a-f]{32}", sender)

    page.fill("#input", "资产总额要多少？")
    page.keyboard.press("Enter")
    page.get_by_text("资产总额不低于100万元。").wait_for()
    assert last_bot_text(page) == "依据：二、申报条件（一）第3项。"

    page.fill("#input", "开始测验")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="是", exact=True).last.click()
    page.get_by_text("请选择贵单位具备的服务功能（可多选）：").wait_for()
    page.get_by_role("button", name="信息服务").click()  # each tap updates the question in place
    page.get_by_role("button", name="✓ 信息服务").wait_for()
    page.get_by_role("button", name="融资服务").click()
    page.get_by_text("已选择：信息服务、融资服务。").wait_for()
    assert page.get_by_role("button", name="✓ 融资服务").get_attribute("aria-pressed") == "true"
    assert page.locator(".buttons.multi").count() == 1
    page.get_by_role("button", name="完成").click()
    page.get_by_text("测验完成：独立法人=是；服务功能=信息服务、融资服务。").wait_for()
    assert page.locator(".msg.user .bubble").last.inner_text() == "完成"

    page.fill("#input", "生成报告")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="打开 自测报告.html").wait_for()
    assert page.get_by_role("link", name="下载").get_attribute("download") == "自测报告.html"

    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
    assert page.locator("#status").is_hidden()  # the missing /outbox (404) is not an error
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    if os.environ.get("SHENBAO_SCREENSHOT"):
        page.screenshot(path=os.environ["SHENBAO_SCREENSHOT"])

    page.reload()  # the conversation and the id survive a reload
    page.get_by_text("测验完成：独立法人=是；服务功能=信息服务、融资服务。").wait_for()
    assert page.evaluate("localStorage.getItem('shenbao.sender')") == sender
    context.close()


def test_too_long_message_is_refused_on_the_page(browser: object, live_url: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(live_url)
    page.evaluate("document.getElementById('input').removeAttribute('maxlength')")
    page.fill("#input", "资" * 5000)
    page.click("#send")
    assert "超过了 4096 字的上限" in page.locator("#status").inner_text()
    assert page.locator(".msg.user").count() == 0


def test_deleting_my_data_also_clears_what_the_browser_keeps(browser: object, live_url: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(live_url)
    sender = page.evaluate("localStorage.getItem('shenbao.sender')")
    page.fill("#input", "雪域检测中心想问资产总额要多少？")
    page.keyboard.press("Enter")
    page.get_by_text("资产总额不低于100万元。").wait_for()
    assert "雪域检测中心" in page.evaluate("localStorage.getItem('shenbao.log')")
    page.get_by_role("button", name="删除我的数据").click()
    page.get_by_role("button", name="确认删除").click()
    page.get_by_text("您的全部数据已删除").wait_for()
    kept = page.evaluate("localStorage.getItem('shenbao.log')") or ""
    assert "雪域检测中心" not in kept and "雪域检测中心" not in page.locator("#log").inner_text()
    assert page.evaluate("localStorage.getItem('shenbao.sender')") not in (None, sender)  # a new anonymous id
    page.reload()
    assert "雪域检测中心" not in page.locator("#log").inner_text()


PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(os.environ.get("SHENBAO_ARTIFACTS", Path(__file__).resolve().parents[2] / "build" / "artifacts"))

# WCAG 2 contrast of every visible text against the first opaque background behind it (disabled controls are
# exempt in WCAG); returns the offenders as "text: ratio".
LOW_CONTRAST_JS = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lin = v => { v /= 255; return v <= .03928 ? v / 12.92 : ((v + .055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => .2126 * lin(r) + .7152 * lin(g) + .0722 * lin(b);
  const back = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                         if (c.length === 3 || c[3] > .9) return c.slice(0, 3); } return [255, 255, 255]; };
  const bad = [];
  document.querySelectorAll("body *").forEach(el => {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || el.disabled || el.closest("[hidden]") || box.width === 0 || box.height === 0) return;
    const st = getComputedStyle(el); const size = parseFloat(st.fontSize); const bold = +st.fontWeight >= 700;
    const a = lum(rgb(st.color)), b = lum(back(el)); const ratio = (Math.max(a, b) + .05) / (Math.min(a, b) + .05);
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) bad.push(el.textContent.trim().slice(0, 20) + ": " + ratio.toFixed(2));
  });
  return bad;
}"""

SMALL_TARGETS_JS = """() => [...document.querySelectorAll("button, a, textarea")].filter(el => {
  const b = el.getBoundingClientRect(); return b.width > 0 && b.height > 0 && (b.height < 44 || b.width < 44);
}).map(el => (el.textContent || el.getAttribute("aria-label") || el.tagName).trim().slice(0, 20))"""


def test_on_a_phone_every_shortcut_fits_targets_are_large_and_text_is_readable(browser: object,
                                                                              live_url: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_url)
    for chip in page.locator(".chip").all():
        box = chip.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], chip.inner_text()
    page.fill("#input", "资产总额要多少？")
    page.keyboard.press("Enter")
    page.get_by_text("资产总额不低于100万元。").wait_for()
    notice = page.locator(".msg.privacy")
    assert notice.count() == 1 and notice.bounding_box()["height"] < 110  # type: ignore[index]
    assert notice.get_by_role("link", name="查看完整说明").get_attribute("href") == "privacy"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(SMALL_TARGETS_JS) == []
    assert page.evaluate(LOW_CONTRAST_JS) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-phone-390x844.png"))
    context.close()


def test_answered_buttons_are_disabled_and_materials_show_done_or_not(browser: object, live_url: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_url)
    page.fill("#input", "按钮")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="否", exact=True).wait_for()
    page.fill("#input", "是")  # answered by typing, not by the buttons
    page.keyboard.press("Enter")
    page.locator(".msg.user").nth(1).wait_for()
    assert page.get_by_role("button", name="否", exact=True).is_disabled()

    page.get_by_role("button", name="材料清单").click()
    page.locator("button.toggle").first.wait_for()
    first = page.locator("button.toggle").first
    assert first.get_attribute("aria-pressed") == "false" and "✗" not in first.inner_text()
    brand = "rgb(166, 27, 41)"
    assert first.evaluate("el => getComputedStyle(el).color") != brand  # not red like a delete button
    count = page.locator("button.toggle").count()
    first.click()
    page.get_by_text("申请报告已备齐").wait_for()
    page.get_by_role("button", name="查看材料清单").click()
    page.locator("button.toggle").nth(count).wait_for()  # the checklist again, with the first one done
    done = page.locator("button.toggle").nth(count)
    assert done.get_attribute("aria-pressed") == "true" and "申请报告" in done.inner_text()
    assert all(b.is_disabled() for b in page.locator("button.toggle").all()[:count])  # the old row
    assert page.evaluate(LOW_CONTRAST_JS) == []
    context.close()


WIDGET_PAGE = """<!doctype html><meta charset="utf-8"><title>经信厅</title><script>
const api = new URLSearchParams(location.search).get("api");
window.answer = fetch(api + "/webhooks/rest/webhook", {method: "POST", headers: {"Content-Type": "application/json"},
                      body: JSON.stringify({sender: "widget-1", message: "资产"})})
  .then(r => r.json()).then(b => b[b.length - 1].text, e => "blocked: " + e.name);
</script>"""


async def _widget_page(_request: web.Request) -> web.Response:
    return web.Response(text=WIDGET_PAGE, content_type="text/html")


@pytest.mark.parametrize("allowed", [True, False])
def test_a_chat_widget_on_another_site_works_only_when_its_origin_is_allowed(browser: object, store: Store,
                                                                             allowed: bool) -> None:
    """The widget's page comes from a second local port: another origin, as the 经信厅's site would be."""
    from bot._cors import CorsPolicy

    widget_site = web.Application()
    widget_site.router.add_get("/", _widget_page)
    with contextlib.ExitStack() as stack:
        widget_url = stack.enter_context(serving(widget_site))
        cors = CorsPolicy((widget_url.rstrip("/"),) if allowed else ())
        api = stack.enter_context(serving(create_app(Assistant(store, parser=keyword_parser), store, cors=cors)))
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(f"{widget_url}?api={api.rstrip('/')}")
        answer = page.evaluate("window.answer")
        page.close()
    if allowed:
        assert answer == "依据：二、申报条件（一）第3项。"
    else:
        assert answer.startswith("blocked")
