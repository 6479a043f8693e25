/* 振兴·移动工作台: sync (server → phone), the queue sent when a connection returns (phone → server),
   conflicts and refusals shown to the user; the store and photos are in store.js, the forms in
   forms.js. Every queued write carries a client id and the version it was based on. */
(function () {
  "use strict";
  const F = window.ZxField;
  const cfg = F.cfg;
  let csrf = (document.querySelector("#logout-form [name=csrfmiddlewaretoken]") || {}).value || "";
  let flushing = false;

  // ------------------------------------------------------------------ messages
  function say(text, ok) {
    const p = document.getElementById("field-message");
    p.textContent = text;
    p.hidden = !text;
    p.classList.toggle("ok", !!ok);
  }
  function showNet() {
    const e = document.getElementById("net-status");
    e.textContent = navigator.onLine ? "在线" : "离线";
    e.classList.toggle("offline", !navigator.onLine);
  }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([a, v]) => e.setAttribute(a, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function loginExpired() {
    say("登录已过期，请重新登录。手机上待发送的记录会保留，登录后自动发送。");
    document.getElementById("field-message").appendChild(el("a", {href: cfg.login}, " 重新登录"));
  }

  // ------------------------------------------------------------------ sync (server → phone)
  async function sync() {
    if (!navigator.onLine) return false;
    const since = (await F.getOne("meta", "since") || {}).v || "";
    let after = "";
    let first = null;
    for (;;) {
      const q = new URLSearchParams({since, after, limit: "500"});
      let resp;
      try {
        resp = await fetch(cfg.sync + "?" + q, {credentials: "same-origin", headers: {Accept: "application/json"}});
      } catch (e) { return false; }
      if (resp.status === 401 || resp.redirected) { loginExpired(); return false; }
      if (!resp.ok) return false;
      const body = await resp.json();
      if (body.csrf) csrf = body.csrf;
      if (!first) first = body;
      const rows = [];
      for (const h of body.households) rows.push(await F.seal("h:" + h.id, h));
      if (body.cases) for (const c of body.cases) rows.push(await F.seal("c:" + c.id, c));
      if (body.alerts) for (const a of body.alerts) rows.push(await F.seal("a:" + a.id, a));
      if (body.choices) rows.push(await F.seal("choices", body.choices));
      await F.putMany("store", rows);
      if (!body.next) break;
      after = body.next;
    }
    await F.putMany("meta", [{k: "since", v: first.server_time}, {k: "synced_at", v: new Date().toISOString()}]);
    // closed cases and alerts no longer waiting leave the phone
    for (const c of first.cases || []) if (!c.open) await F.delOne("store", "c:" + c.id);
    for (const a of first.alerts || []) if (!a.open) await F.delOne("store", "a:" + a.id);
    return true;
  }

  // ------------------------------------------------------------------ the queue (phone → server)
  async function enqueue(item) {
    await F.queuePut(item);
    try {
      const reg = await navigator.serviceWorker.ready;
      if (reg.sync) await reg.sync.register("field-queue");
    } catch (e) { /* no Background Sync: the online event and the timer send it */ }
    say(navigator.onLine ? "已保存，正在上传……" : "当前无网络：已加密保存在手机上，有网络后自动上传。", true);
    await render();
    flush();
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json"},
      body: JSON.stringify(body),
    });
  }
  async function getJson(url) {
    const resp = await fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}});
    return resp.ok ? resp.json() : null;
  }
  const caseNow = (id) => getJson("/api/v1/cases/" + id);
  const alertNow = (id) => getJson("/api/v1/screening/alerts/" + id);

  // One write; an alert still 待核实 is first taken to 核实中 (start) with the version it was based on.
  async function send(item) {
    if (item.kind === "alert" && item.start) {
      const r = await post(item.url, {action: "start", version: item.body.version});
      if (!r.ok) return r;
      item.start = false;
      item.body.version = (await r.json()).version;
      await F.queuePut(item);
    }
    if (item.kind === "measure" && item.tries && (await measureRecorded(item))) return {ok: true, status: 200};
    item.tries = (item.tries || 0) + 1;
    await F.queuePut(item);
    return post(item.url, item.body);
  }
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      const pending = (await F.queueAll()).filter((i) => i.state === "pending");
      if (!pending.length) return;
      if (!(await sync())) return;  // a fresh CSRF token (and the session checked) first
      let sent = 0;
      for (const item of pending) {
        let resp;
        try { resp = await send(item); } catch (e) { break; }  // the connection dropped again: later
        if (resp.status === 401) { loginExpired(); break; }
        if (resp.ok) { await F.delOne("queue", item.cid); sent += 1; continue; }
        if (resp.status >= 500) break;
        let detail = "服务器未接受这条记录";
        try { detail = (await resp.json()).detail || detail; } catch (e) { /* not JSON */ }
        if (resp.status === 409 && item.kind === "check" && (await checkRecorded(item))) {
          await F.delOne("queue", item.cid); sent += 1; continue;
        }
        item.state = resp.status === 409 ? "conflict" : "refused";
        item.detail = detail;
        await F.queuePut(item);
      }
      if (sent) say("已上传 " + sent + " 条离线记录。", true);
      if (sent) await sync();
    } finally {
      flushing = false;
      await render();
    }
  }
  // A step carries no client id: a resend whose first answer was lost meets a newer version. The
  // case has then left 待入户核实 with a 入户核实 in its timeline: that one is ours.
  async function checkRecorded(item) {
    const c = await caseNow(item.case_id);
    return !!c && c.state !== "discovered" && c.timeline.some((e) => e.transition === "verify" && e.date === item.body.data.date);
  }
  // A measure carries no client id either: after a lost answer, the same measure on the case is ours.
  async function measureRecorded(item) {
    const rows = await getJson("/api/v1/cases/" + item.case_id + "/measures?limit=500");
    const b = item.body;
    return !!rows && rows.some((m) => m.category === b.category && m.content === b.content.trim() && m.start_on === b.start_on);
  }

  // ------------------------------------------------------------------ conflicts: keep, merge, drop
  const ACTIONS = {include: "核实有风险，纳入监测", dismiss: "核实无风险", attach: "并入该户未办结的监测案件"};
  function describe(item) {
    const b = item.body;
    const photos = b.photos && b.photos.length ? "（照片 " + b.photos.length + " 张）" : "";
    const cut = (t) => (t || "").slice(0, 40);
    if (item.kind === "check") return "入户核实 " + b.data.date + "：" + cut(b.data.reason) + photos;
    if (item.kind === "measure") return "帮扶措施 " + b.start_on + "：" + cut(b.content);
    if (item.kind === "discovery") return "登记发现 " + item.label + " " + b.discovered_on + "：" + cut(b.description);
    if (item.kind === "alert") return "预警核实 " + item.label + "：" + ACTIONS[b.action] + "，" + cut(b.reason);
    return "走访 " + b.date + "：" + cut(b.changes) + photos;
  }
  // 保留（强制）: a visit or a measure is added to the case as it is now; a step is taken again on
  // the record's current version, and the workflow refuses it (in Chinese) if it is no longer open.
  async function keep(item) {
    if (item.kind === "check" || item.kind === "alert") {
      const now = item.kind === "check" ? await caseNow(item.case_id) : await alertNow(item.alert_id);
      if (!now) { say("无法读取服务器上的最新情况，请有网络时再试。"); return; }
      item.body.version = now.version;
      if (item.kind === "alert") item.start = now.state === "issued";
    } else {
      item.body.version = null;
    }
    item.state = "pending";
    item.detail = "";
    await F.queuePut(item);
    await render();
    flush();
  }
  // 合并: the record goes back into its form next to the server's latest, based on the latest version.
  async function merge(item) {
    const now = item.kind === "alert" ? await alertNow(item.alert_id) : await caseNow(item.case_id);
    if (!now) { say("无法读取服务器上的最新情况，请有网络时再试。"); return; }
    let latest = "服务器上的最新情况：现为“" + now.state_label + "”";
    if (now.timeline && now.timeline.length) {
      const last = now.timeline[now.timeline.length - 1];
      latest += "；最近办理：" + last.date + " " + last.label + (last.actor ? "（" + last.actor + "）" : "");
    }
    if (item.kind === "alert") item.start = now.state === "issued";
    window.ZxFieldForms.edit(item, {version: now.version, latest: latest + "。请对照修改后重新保存。"});
  }
  async function drop(item) {
    await F.delOne("queue", item.cid);
    await render();
  }

  // ------------------------------------------------------------------ pages
  const CASE_KINDS = ["visit", "check", "measure"];
  async function renderQueue() {
    const items = await F.queueAll();
    const count = document.getElementById("queue-count");
    if (count) count.textContent = String(items.length);
    const caseEl = document.getElementById("case");
    const box = document.getElementById(caseEl ? "case-queue" : "queue-problems");
    if (!box) return;
    box.replaceChildren();
    const mine = caseEl
      ? items.filter((i) => CASE_KINDS.includes(i.kind) && String(i.case_id) === caseEl.dataset.caseId)
      : items.filter((i) => !CASE_KINDS.includes(i.kind) || i.state !== "pending");
    for (const item of mine) {
      const div = el("div", {class: "queue-item " + item.state, "data-cid": item.cid, "data-kind": item.kind});
      const here = window.ZxFieldForms.canEdit(item);
      const button = (cls, text, fn) => { const b = el("button", {type: "button", class: cls}, text); b.onclick = fn; div.append(b); };
      if (item.state === "pending") {
        div.append(el("strong", {}, "待上传"), el("p", {}, describe(item)));
      } else {
        const title = item.state === "conflict" ? "与服务器上的记录冲突" : "服务器未接受";
        div.append(el("strong", {}, title), el("p", {class: "detail"}, item.detail), el("p", {}, describe(item)));
        if (item.state === "conflict") {
          const stepLike = item.kind === "check" || item.kind === "alert";
          button("keep", stepLike ? "按最新情况重新提交" : "保留我的记录并上传", () => keep(item));
          if (here) button("merge", "合并后重新提交", () => merge(item));
        } else if (here) {
          button("edit", "修改后重新提交", () => window.ZxFieldForms.edit(item, {}));
        }
        if (!here && item.case_id) div.append(el("a", {href: cfg.scope + "cases/" + item.case_id + "/"}, "打开案件处理"));
        button("drop", item.state === "conflict" ? "放弃我的记录" : "放弃", () => drop(item));
      }
      box.append(div);
    }
  }
  async function renderHome() {
    const list = document.getElementById("household-list");
    if (!list) return;
    const households = await F.storeRows("h:");
    const alerts = await F.storeRows("a:");
    document.getElementById("household-count").textContent = String(households.length);
    document.getElementById("alert-count").textContent = String(alerts.length);
    window.ZxFieldForms.drawAlerts(alerts, households);
    const search = document.getElementById("household-search");
    const draw = () => {
      const term = search.value.trim();
      const shown = households.filter((h) => !term || h.head_name.includes(term) || h.number.includes(term)).slice(0, 50);
      list.replaceChildren(...shown.map((h) => {
        const li = el("li", {}, "");
        li.append(el("strong", {}, h.head_name), document.createTextNode(" · " + h.number + " · " + h.living_members + " 人"));
        const members = h.members.map((m) => m.name + "（" + m.relation + "，" + m.id_masked + "）").join("；");
        li.append(el("br"), el("small", {}, members));
        return li;
      }));
    };
    search.oninput = draw;
    draw();
    const synced = await F.getOne("meta", "synced_at");
    if (synced) document.getElementById("sync-status").textContent = new Date(synced.v).toLocaleString("zh-CN");
  }
  async function render() {
    showNet();
    await renderQueue();
    await renderHome();
  }

  // Logging out wipes the phone: records not yet sent would go with it, so the user is asked first.
  async function logoutWipe(event) {
    event.preventDefault();
    let waiting = 0;
    try { waiting = (await F.queueAll()).length; } catch (e) { /* no store */ }
    if (waiting && !window.confirm("还有 " + waiting + " 条记录未上传，退出后手机上的数据（包括这些记录）将被清除。确定退出吗？")) return;
    try { await F.wipeAll(); } finally { event.target.submit(); }
  }
  // the open cases' pages are kept for offline use
  async function keepCasePages() {
    const links = Array.from(document.querySelectorAll("#case-list a")).map((a) => a.getAttribute("href"));
    if (!links.length || !("serviceWorker" in navigator)) return;
    const reg = await navigator.serviceWorker.ready;
    if (reg.active) reg.active.postMessage({type: "keep", urls: [cfg.scope, ...links]});
  }

  async function start() {
    document.getElementById("logout-form").addEventListener("submit", logoutWipe);
    showNet();
    window.addEventListener("online", () => { showNet(); flush(); });
    window.addEventListener("offline", showNet);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(cfg.sw, {scope: cfg.scope}).catch(() => {});
      navigator.serviceWorker.addEventListener("message", (e) => { if (e.data && e.data.type === "flush") flush(); });
    }
    await F.checkOwner();
    await window.ZxFieldForms.bind({enqueue, say});
    const syncBtn = document.getElementById("sync-now");
    if (syncBtn) syncBtn.onclick = async () => { say(navigator.onLine ? "正在同步……" : "当前无网络，无法同步。"); if (await sync()) say("同步完成。", true); await render(); };
    await render();
    if (navigator.onLine) {
      await sync();
      await render();
      await flush();
      keepCasePages();
    }
    setInterval(flush, 30000);
    document.documentElement.dataset.fieldReady = "1";
  }

  window.ZxFieldApp = {render, flush, say};
  start().catch(() => say("移动工作台启动失败：此浏览器不支持离线存储或加密，请使用手机自带的新版浏览器。"));
})();
