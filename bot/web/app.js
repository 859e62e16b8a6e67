/* 申报助手网页聊天：纯 JavaScript，无外部资源。与服务器之间只用 Rasa REST 格式（/webhooks/rest/webhook）。 */
(function () {
  "use strict";

  var ENDPOINT = "webhooks/rest/webhook";
  var OUTBOX = "outbox";
  var OUTBOX_EVERY_MS = 15000;
  var MAX_CHARS = 4096;
  var KEY_SENDER = "shenbao.sender";
  var KEY_LOG = "shenbao.log";
  var KEEP_MESSAGES = 200;

  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var counter = document.getElementById("counter");
  var busy = false;
  var history = [];

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function newSenderId() {
    var bytes = new Uint8Array(16);   // 128 位随机数
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var senderId = (function () {
    var s = storage();
    var id = s && s.getItem(KEY_SENDER);
    if (!id || !/^[0-9a-f]{32,}$/.test(id)) {
      id = newSenderId();
      if (s) { try { s.setItem(KEY_SENDER, id); } catch (e) { /* 隐私模式：仅本页有效 */ } }
    }
    return id;
  })();

  function saveHistory() {
    var s = storage();
    if (!s) { return; }
    try { s.setItem(KEY_LOG, JSON.stringify(history.slice(-KEEP_MESSAGES))); } catch (e) { /* 空间不足时不保存 */ }
  }

  function forgetLocally() {   // /forget：删除浏览器里保存的对话记录，换一个新的匿名编号
    var s = storage();
    history = [];
    senderId = newSenderId();
    while (log.firstChild) { log.removeChild(log.firstChild); }
    if (!s) { return; }
    try { s.removeItem(KEY_LOG); s.setItem(KEY_SENDER, senderId); } catch (e) { /* 无法写入时仅本页有效 */ }
  }

  function showStatus(text) {
    statusLine.textContent = text || "";
    statusLine.hidden = !text;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function addBubble(who, text, extraClass) {
    var wrap = document.createElement("div");
    wrap.className = "msg " + who + (extraClass ? " " + extraClass : "");
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = text;
    wrap.appendChild(bubble);
    log.appendChild(wrap);
    scrollDown();
    return wrap;
  }

  function disableGroup(group) {
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
  }

  function disableAnsweredButtons() {   // 发出新消息后，之前各行按钮都已作答，不能再点
    Array.prototype.forEach.call(log.querySelectorAll(".buttons"), disableGroup);
  }

  var TOGGLE = /^([✗✓])\s*/;   // 材料清单：“✗ 1. 申请报告”未备齐，“✓ …”已备齐

  function addButtons(wrap, buttons, multi) {
    var group = document.createElement("div");
    group.className = "buttons" + (multi ? " multi" : "");
    group.setAttribute("role", "group");
    buttons.forEach(function (btn) {
      var el = document.createElement("button");
      el.type = "button";
      el.textContent = btn.title;
      el.dataset.payload = btn.payload;
      var mark = !multi && TOGGLE.exec(btn.title);
      if (mark) {
        el.className = "toggle";
        el.textContent = btn.title.replace(TOGGLE, "");
        el.setAttribute("aria-pressed", mark[1] === "✓" ? "true" : "false");
        el.title = mark[1] === "✓" ? "已备齐（点击改为未备齐）" : "未备齐（点击标记为已备齐）";
      }
      if (multi && btn.title.indexOf("✓") === 0) { el.setAttribute("aria-pressed", "true"); }
      el.addEventListener("click", function () {
        if (busy) { return; }
        if (multi) {   // 多选：每次点选交给服务器记录，问题原地更新（已选项标 ✓，“完成”结束选择）
          send(btn.payload, btn.title.replace(/^✓\s*/, ""), { multiWrap: wrap, group: group, pressed: el });
          return;
        }
        disableGroup(group);
        if (!mark) { el.setAttribute("aria-pressed", "true"); }   // 保留所选项的高亮，便于回看
        send(btn.payload, btn.title);
      });
      group.appendChild(el);
    });
    wrap.appendChild(group);
    scrollDown();
  }

  function replaceInPlace(wrap, m) {
    var bubble = wrap.querySelector(".bubble");
    bubble.textContent = m.text;
    var old = wrap.querySelector(".buttons");
    if (old) { old.remove(); }
    addButtons(wrap, m.buttons, true);
    var index = Number(wrap.dataset.history);
    if (!isNaN(index) && history[index]) {
      history[index] = { who: "bot", text: m.text, buttons: m.buttons, multi: true, cls: "" };
    }
  }

  function dataUrlToBlobUrl(src, mime) {
    var comma = src.indexOf(",");
    var binary = window.atob(src.slice(comma + 1));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return URL.createObjectURL(new Blob([bytes], { type: mime || "application/octet-stream" }));
  }

  function addAttachment(wrap, attachment) {
    var payload = attachment && attachment.payload;
    if (!payload || typeof payload.src !== "string" || payload.src.indexOf("data:") !== 0) { return; }
    var url = dataUrlToBlobUrl(payload.src, payload.mime_type);
    var box = document.createElement("div");
    box.className = "attachment";
    var open = document.createElement("a");
    open.href = url; open.target = "_blank"; open.rel = "noopener";
    open.textContent = "打开 " + (payload.title || "附件");
    var save = document.createElement("a");
    save.href = url; save.download = payload.title || "附件";
    save.textContent = "下载";
    box.appendChild(open); box.appendChild(save);
    wrap.appendChild(box);
    scrollDown();
  }

  function renderBotMessage(m, extraClass, remember) {
    if (m.attachment) {
      var holder = addBubble("bot", "附件：" + ((m.attachment.payload && m.attachment.payload.title) || "附件"),
                             extraClass);
      addAttachment(holder, m.attachment);
      if (remember) { history.push({ who: "bot", text: holder.textContent }); }
      return;
    }
    if (typeof m.text !== "string") { return; }
    if (m.custom && m.custom.privacy_notice === true) { extraClass = "privacy"; }
    var wrap = addBubble("bot", m.text, extraClass);
    if (extraClass === "privacy") { addPrivacyLink(wrap); }
    var buttons = Array.isArray(m.buttons) ? m.buttons.filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    }) : [];
    if (buttons.length) { addButtons(wrap, buttons, m.multi_select === true); }
    if (remember) {
      wrap.dataset.history = String(history.length);
      history.push({ who: "bot", text: m.text, buttons: buttons, multi: m.multi_select === true,
                     cls: extraClass || "" });
    }
  }

  function addPrivacyLink(wrap) {   // 首次回复前的简短说明，完整文本在 /privacy
    var a = document.createElement("a");
    a.href = "privacy"; a.target = "_blank"; a.rel = "noopener";
    a.textContent = "查看完整说明";
    wrap.querySelector(".bubble").appendChild(a);
  }

  function restoreHistory() {
    var s = storage();
    var saved = null;
    try { saved = s && JSON.parse(s.getItem(KEY_LOG) || "null"); } catch (e) { saved = null; }
    if (!Array.isArray(saved)) { return; }
    saved.forEach(function (h, i) {
      if (!h || typeof h.text !== "string") { return; }
      if (h.who === "user") { addBubble("user", h.text); }
      else {
        var last = i === saved.length - 1;
        renderBotMessage({ text: h.text, buttons: last ? h.buttons : [], multi_select: h.multi }, h.cls, false);
      }
      history.push(h);
    });
  }

  function setBusy(on) {
    busy = on;
    sendButton.disabled = on;
  }

  function errorText(resp, body) {
    if (body && typeof body.error === "string") { return body.error; }
    return "服务器返回错误（" + resp.status + "）。";
  }

  function isUpdateOf(messages) {
    return messages.length === 1 && messages[0].multi_select === true && Array.isArray(messages[0].buttons) &&
      messages[0].buttons.length > 0 && typeof messages[0].text === "string";
  }

  function send(text, label, opts) {
    if (busy) { return Promise.resolve(false); }
    opts = opts || {};
    setBusy(true);
    showStatus("");
    var typing = null;
    if (!opts.multiWrap) {
      disableAnsweredButtons();
      addBubble("user", label || text);
      history.push({ who: "user", text: label || text });
      typing = addBubble("bot", "正在输入…", "typing");
    }
    return fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: senderId, message: text })
    }).then(function (resp) {
      return resp.json().catch(function () { return null; }).then(function (body) {
        if (!resp.ok || !Array.isArray(body)) { throw new Error(errorText(resp, body)); }
        return body;
      });
    }).then(function (messages) {
      if (typing) { typing.remove(); }
      if (opts.multiWrap && isUpdateOf(messages)) {
        replaceInPlace(opts.multiWrap, messages[0]);
      } else {
        if (opts.multiWrap) {
          disableGroup(opts.group);
          addBubble("user", label || text);
          history.push({ who: "user", text: label || text });
        }
        var forgotten = messages.some(function (m) { return m && m.custom && m.custom.forgotten === true; });
        if (forgotten) { forgetLocally(); }
        messages.forEach(function (m) { renderBotMessage(m, "", !forgotten); });
      }
      saveHistory();
      return true;
    }).catch(function (err) {
      if (typing) { typing.remove(); }
      showStatus("消息未能发送：" + (err && err.message ? err.message : "网络连接失败") + "请稍后重试。");
      if (!label && !input.value) { input.value = text; updateCounter(); }
      return false;
    }).then(function (ok) {
      setBusy(false);
      return ok;
    });
  }

  var outboxTimer = null;
  function pollOutbox() {
    if (document.hidden) { return; }
    fetch(OUTBOX + "?sender=" + encodeURIComponent(senderId), { headers: { "Accept": "application/json" } })
      .then(function (resp) {
        if (resp.status === 404 || resp.status === 405) {   // 服务器未启用网页提醒：停止轮询
          window.clearInterval(outboxTimer);
          return null;
        }
        return resp.ok ? resp.json() : null;
      })
      .then(function (messages) {
        if (!Array.isArray(messages) || !messages.length) { return; }
        messages.forEach(function (m) { renderBotMessage(m, "notice", true); });
        saveHistory();
      })
      .catch(function () { /* 网络暂时不通：下次再试 */ });
  }

  function updateCounter() {
    var n = input.value.length;
    counter.textContent = n > MAX_CHARS - 500 ? n + " / " + MAX_CHARS + " 字" : "";
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 140) + "px";
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text || busy) { return; }
    if (text.length > MAX_CHARS) {
      showStatus("您的消息有 " + text.length + " 个字，超过了 " + MAX_CHARS + " 字的上限，请精简后分几次发送。");
      return;
    }
    input.value = "";
    updateCounter();
    send(text).then(function () { input.focus(); });
  });

  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  input.addEventListener("input", updateCounter);

  Array.prototype.forEach.call(document.querySelectorAll("[data-send]"), function (el) {
    el.addEventListener("click", function () { send(el.dataset.send, el.dataset.label); });
  });

  restoreHistory();
  outboxTimer = window.setInterval(pollOutbox, OUTBOX_EVERY_MS);
  window.setTimeout(pollOutbox, 1000);
})();
