/* 振兴·移动工作台: the phone keeps the village's data and the queued writes in IndexedDB,
   encrypted with AES-GCM under the key the server hands this logged-in account on the page
   (never written to IndexedDB); writes wait in the queue until a connection returns. */
(function () {
  "use strict";
  const cfg = document.getElementById("field-config").dataset;
  const DB_NAME = "zhenxing-field";
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  let keyPromise = null;
  let csrf = (document.querySelector("#logout-form [name=csrfmiddlewaretoken]") || {}).value || "";
  let flushing = false;

  // ------------------------------------------------------------------ IndexedDB and encryption
  function openDb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore("meta", {keyPath: "k"});
        db.createObjectStore("store", {keyPath: "k"});
        db.createObjectStore("queue", {keyPath: "cid"});
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  async function tx(storeName, mode, fn) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const t = db.transaction(storeName, mode);
      const store = t.objectStore(storeName);
      const result = fn(store);
      t.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : result); };
      t.onerror = () => { db.close(); reject(t.error); };
    });
  }
  const getAll = (s) => tx(s, "readonly", (st) => st.getAll());
  const getOne = (s, k) => tx(s, "readonly", (st) => st.get(k));
  const putMany = (s, rows) => tx(s, "readwrite", (st) => rows.forEach((r) => st.put(r)));
  const delOne = (s, k) => tx(s, "readwrite", (st) => st.delete(k));

  function key() {
    if (!keyPromise) {
      const raw = Uint8Array.from(atob(cfg.key), (ch) => ch.charCodeAt(0));
      keyPromise = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    }
    return keyPromise;
  }
  async function seal(k, obj) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({name: "AES-GCM", iv}, await key(), enc.encode(JSON.stringify(obj)));
    return {k, iv, data};
  }
  async function unseal(row) {
    const plain = await crypto.subtle.decrypt({name: "AES-GCM", iv: row.iv}, await key(), row.data);
    return JSON.parse(dec.decode(plain));
  }

  // A store written under another account's key cannot be read: wipe it.
  async function checkOwner() {
    const owner = await getOne("meta", "key_id");
    if (owner && owner.v !== cfg.keyId) await wipeData();
    await putMany("meta", [{k: "key_id", v: cfg.keyId}]);
  }
  async function wipeData() {
    await tx("store", "readwrite", (st) => st.clear());
    await tx("queue", "readwrite", (st) => st.clear());
    await tx("meta", "readwrite", (st) => st.clear());
  }

  // ------------------------------------------------------------------ messages
  function say(text, ok) {
    const p = document.getElementById("field-message");
    p.textContent = text;
    p.hidden = !text;
    p.classList.toggle("ok", !!ok);
  }
  function showNet() {
    const el = document.getElementById("net-status");
    el.textContent = navigator.onLine ? "在线" : "离线";
    el.classList.toggle("offline", !navigator.onLine);
  }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([a, v]) => e.setAttribute(a, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ------------------------------------------------------------------ sync (server → phone)
  async function sync() {
    if (!navigator.onLine) return false;
    const since = (await getOne("meta", "since") || {}).v || "";
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
      for (const h of body.households) rows.push(await seal("h:" + h.id, h));
      if (body.cases) for (const c of body.cases) rows.push(await seal("c:" + c.id, c));
      if (body.alerts) for (const a of body.alerts) rows.push(await seal("a:" + a.id, a));
      if (body.choices) rows.push(await seal("choices", body.choices));
      await putMany("store", rows);
      if (!body.next) break;
      after = body.next;
    }
    await putMany("meta", [{k: "since", v: first.server_time}, {k: "synced_at", v: new Date().toISOString()}]);
    // closed cases and alerts no longer waiting leave the phone
    for (const c of first.cases || []) if (!c.open) await delOne("store", "c:" + c.id);
    for (const a of first.alerts || []) if (!a.open) await delOne("store", "a:" + a.id);
    return true;
  }
  function loginExpired() {
    const p = document.getElementById("field-message");
    say("登录已过期，请重新登录。手机上待发送的记录会保留，登录后自动发送。");
    const a = el("a", {href: cfg.login}, " 重新登录");
    p.appendChild(a);
  }

  // ------------------------------------------------------------------ the queue (phone → server)
  async function queueAll() {
    const rows = await getAll("queue");
    const items = [];
    for (const r of rows) {
      try { items.push(await unseal(r)); } catch (e) { /* another key: wiped by checkOwner */ }
    }
    return items.sort((a, b) => (a.created < b.created ? -1 : 1));
  }
  async function queuePut(item) {
    const row = await seal(null, item);
    row.cid = item.cid;
    delete row.k;
    await putMany("queue", [row]);
  }
  async function enqueue(item) {
    await queuePut(item);
    try {
      const reg = await navigator.serviceWorker.ready;
      if (reg.sync) await reg.sync.register("field-queue");
    } catch (e) { /* no Background Sync: the online event and the timer send it */ }
  }
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      const pending = (await queueAll()).filter((i) => i.state === "pending");
      if (!pending.length) return;
      if (!(await sync())) return;  // a fresh CSRF token (and the session checked) first
      let sent = 0;
      for (const item of pending) {
        let resp;
        try {
          resp = await fetch(item.url, {
            method: "POST",
            credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json"},
            body: JSON.stringify(item.body),
          });
        } catch (e) { break; }  // the connection dropped again: try later
        if (resp.status === 401) { loginExpired(); break; }
        if (resp.ok) { await delOne("queue", item.cid); sent += 1; continue; }
        let detail = "服务器暂时无法处理，稍后自动重试";
        try { detail = (await resp.json()).detail || detail; } catch (e) { /* not JSON */ }
        if (resp.status >= 500) break;
        if (resp.status === 409 && item.kind === "check" && (await checkRecorded(item))) {
          await delOne("queue", item.cid); sent += 1; continue;
        }
        item.state = resp.status === 409 ? "conflict" : "refused";
        item.detail = detail;
        await queuePut(item);
      }
      if (sent) say("已上传 " + sent + " 条离线记录。", true);
    } finally {
      flushing = false;
      await render();
    }
  }

  async function caseNow(caseId) {
    const resp = await fetch("/api/v1/cases/" + caseId, {credentials: "same-origin", headers: {Accept: "application/json"}});
    return resp.ok ? resp.json() : null;
  }
  // A step carries no client id: a resend whose first answer was lost meets a newer version. The
  // case has then left 待入户核实 with a 入户核实 in its timeline: that one is ours.
  async function checkRecorded(item) {
    const c = await caseNow(item.case_id);
    return !!c && c.state !== "discovered" && c.timeline.some((e) => e.transition === "verify" && e.date === item.body.data.date);
  }
  function describe(item) {
    if (item.kind === "check") return "入户核实 " + item.body.data.date + "：" + (item.body.data.reason || "").slice(0, 40);
    return "走访 " + item.body.date + "：" + item.body.changes.slice(0, 40);
  }
  async function keep(item) {
    if (item.kind === "check") {  // taken again on the case as it is now, if the step is still open
      const c = await caseNow(item.case_id);
      if (!c) { say("无法读取案件的最新情况，请有网络时再试。"); return; }
      item.body.version = c.version;
    } else {
      item.body.version = null;
    }
    item.state = "pending"; item.detail = "";
    await queuePut(item); await render(); flush();
  }

  // ------------------------------------------------------------------ pages
  async function renderQueue() {
    const items = await queueAll();
    const count = document.getElementById("queue-count");
    if (count) count.textContent = String(items.length);
    const caseEl = document.getElementById("case");
    const box = document.getElementById(caseEl ? "case-queue" : "queue-problems");
    if (!box) return;
    box.replaceChildren();
    const mine = caseEl ? items.filter((i) => String(i.case_id) === caseEl.dataset.caseId) : items.filter((i) => i.state !== "pending");
    for (const item of mine) {
      const div = el("div", {class: "queue-item " + item.state, "data-cid": item.cid});
      const what = describe(item);
      if (item.state === "pending") {
        div.append(el("strong", {}, "待上传"), el("p", {}, what));
      } else if (item.state === "conflict") {
        div.append(el("strong", {}, "与服务器上的记录冲突"), el("p", {class: "detail"}, item.detail), el("p", {}, what));
        const keepBtn = el("button", {type: "button", class: "keep"}, item.kind === "check" ? "按最新情况重新提交" : "保留我的记录并上传");
        keepBtn.onclick = () => keep(item);
        const dropBtn = el("button", {type: "button", class: "drop"}, "放弃我的记录");
        dropBtn.onclick = async () => { await delOne("queue", item.cid); await render(); };
        div.append(keepBtn, dropBtn);
      } else {
        div.append(el("strong", {}, "服务器未接受"), el("p", {class: "detail"}, item.detail), el("p", {}, what));
        if (caseEl) {
          const editBtn = el("button", {type: "button", class: "edit"}, "修改后重新提交");
          editBtn.onclick = () => editItem(item);
          div.append(editBtn);
        } else {
          div.append(el("a", {href: cfg.scope + "cases/" + item.case_id + "/"}, "打开案件修改"));
        }
        const dropBtn = el("button", {type: "button", class: "drop"}, "放弃");
        dropBtn.onclick = async () => { await delOne("queue", item.cid); await render(); };
        div.append(dropBtn);
      }
      box.append(div);
    }
  }
  function editItem(item) {
    if (item.kind === "check") return editCheck(item);
    const form = document.getElementById("visit-form");
    form.elements.client_id.value = item.cid;
    form.elements.visited_on.value = item.body.date;
    form.elements.content.value = item.body.changes;
    form.elements.per_capita_income.value = item.body.per_capita_income || "";
    form.scrollIntoView();
    form.elements.content.focus();
  }
  async function renderHome() {
    const list = document.getElementById("household-list");
    if (!list) return;
    const rows = await getAll("store");
    const households = [];
    const alerts = [];
    for (const r of rows) {
      if (r.k.startsWith("h:")) households.push(await unseal(r));
      else if (r.k.startsWith("a:")) alerts.push(await unseal(r));
    }
    document.getElementById("household-count").textContent = String(households.length);
    document.getElementById("alert-count").textContent = String(alerts.length);
    const alertList = document.getElementById("alert-list");
    alertList.replaceChildren(...alerts.map((a) => el("li", {}, a.head_name + " · " + a.rule_name + " · " + a.state_label + (a.verify_due ? " · 核实期限 " + a.verify_due : ""))));
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
    const synced = await getOne("meta", "synced_at");
    if (synced) document.getElementById("sync-status").textContent = new Date(synced.v).toLocaleString("zh-CN");
  }
  async function render() {
    showNet();
    await renderQueue();
    await renderHome();
  }

  function newId() {
    return crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function bindVisitForm() {
    const form = document.getElementById("visit-form");
    if (!form) return;
    const caseEl = document.getElementById("case");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const date = form.elements.visited_on.value;
      const changes = form.elements.content.value.trim();
      if (!date || !changes) { say("请填写走访日期和家庭变化情况。"); return; }
      const income = form.elements.per_capita_income.value;
      const cid = form.elements.client_id.value || newId();
      await enqueue({
        cid,
        kind: "visit",
        case_id: caseEl.dataset.caseId,
        url: caseEl.dataset.visitsUrl,
        state: "pending",
        detail: "",
        created: new Date().toISOString(),
        body: {date, changes, per_capita_income: income || null, client_id: cid, version: Number(caseEl.dataset.version)},
      });
      form.reset();
      form.elements.client_id.value = "";
      form.elements.visited_on.value = date;
      say(navigator.onLine ? "走访已保存，正在上传……" : "当前无网络：走访已加密保存在手机上，有网络后自动上传。", true);
      await render();
      flush();
    });
  }

  function editCheck(item) {
    const form = document.getElementById("check-form");
    if (!form) { say("该案件已不在待入户核实环节，请放弃这条记录。"); return; }
    const d = item.body.data;
    form.elements.client_id.value = item.cid;
    ["date", "kind", "income_12m", "spending_12m", "coping", "hardship", "reason"].forEach((n) => { form.elements[n].value = d[n] || ""; });
    Array.from(form.elements.risk_types.options).forEach((o) => { o.selected = d.risk_types.includes(o.value); });
    form.elements.authorisation_signed.checked = !!d.authorisation_signed;
    form.scrollIntoView();
  }
  function bindCheckForm() {
    const form = document.getElementById("check-form");
    if (!form) return;
    const caseEl = document.getElementById("case");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const f = form.elements;
      const data = {
        date: f.date.value,
        kind: f.kind.value,
        risk_types: Array.from(f.risk_types.selectedOptions).map((o) => o.value),
        income_12m: f.income_12m.value,
        spending_12m: f.spending_12m.value,
        coping: f.coping.value,
        hardship: f.hardship.value.trim(),
        reason: f.reason.value.trim(),
        authorisation_signed: f.authorisation_signed.checked,
      };
      if (!data.date || !data.kind || !data.coping || !data.risk_types.length || data.income_12m === "" || data.spending_12m === "") {
        say("请填写核实日期、监测对象类别、风险类型、收入、支出和自身应对能力。");
        return;
      }
      const cid = f.client_id.value || newId();
      await enqueue({
        cid,
        kind: "check",
        case_id: caseEl.dataset.caseId,
        url: "/api/v1/cases/" + caseEl.dataset.caseId + "/transitions",
        state: "pending",
        detail: "",
        created: new Date().toISOString(),
        body: {name: "verify", version: Number(caseEl.dataset.version), data},
      });
      form.reset();
      f.client_id.value = "";
      say(navigator.onLine ? "入户核实已保存，正在上传……" : "当前无网络：入户核实已加密保存在手机上，有网络后自动上传。", true);
      await render();
      flush();
    });
  }

  async function logoutWipe(event) {
    event.preventDefault();
    const form = event.target;
    try {
      await wipeData();
      await new Promise((resolve) => {
        const req = indexedDB.deleteDatabase(DB_NAME);
        req.onsuccess = req.onerror = req.onblocked = () => resolve();
      });
      const names = await caches.keys();
      await Promise.all(names.map((n) => caches.delete(n)));
    } finally {
      form.submit();
    }
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
    await checkOwner();
    bindVisitForm();
    bindCheckForm();
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
  // the open cases' pages are kept for offline use
  async function keepCasePages() {
    const links = Array.from(document.querySelectorAll("#case-list a")).map((a) => a.getAttribute("href"));
    if (!links.length || !("serviceWorker" in navigator)) return;
    const reg = await navigator.serviceWorker.ready;
    if (reg.active) reg.active.postMessage({type: "keep", urls: [cfg.scope, ...links]});
  }

  start().catch(() => say("移动工作台启动失败：此浏览器不支持离线存储或加密，请使用手机自带的新版浏览器。"));
})();
