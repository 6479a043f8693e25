/* 振兴·移动工作台 — the forms that queue writes: on a case page the visit (走访), the home check
   (入户核实) and a new measure; on the home page the home check of an alert and a new discovery
   (登记发现). A record the server refused or met in conflict comes back into its form (edit). */
(function () {
  "use strict";
  const F = window.ZxField;
  let app = null;  // {enqueue, say} from app.js
  const $ = (id) => document.getElementById(id);
  const caseEl = () => $("case");

  // The version a write is based on: the newest the phone knows (the page or the last sync).
  async function baseVersion(form) {
    const page = Number(form.elements.version.value);
    if (form.elements.client_id.value) return page;  // editing: the version it was (re)based on
    const c = caseEl() ? await F.storeGet("c:" + caseEl().dataset.caseId) : null;
    return c ? Math.max(page, c.version) : page;
  }
  async function photos(form, earlier) {
    const input = form.elements.photos;
    if (!input) return [];
    const fresh = await F.photosFrom(input);
    return fresh.length ? fresh : (earlier && earlier.body.photos) || [];
  }
  function notePhotos(form) {
    const input = form.elements.photos;
    const note = form.querySelector(".photo-note");
    if (!input || !note) return;
    input.addEventListener("change", () => {
      const n = input.files.length;
      note.hidden = !n;
      note.textContent = n ? "已选 " + n + " 张照片，保存时在手机上压缩（长边不超过 1600 像素）。" : "";
    });
  }
  function done(form) {
    form.reset();
    form.elements.client_id.value = "";
    const note = form.querySelector(".merge-note");
    if (note) note.remove();
    const p = form.querySelector(".photo-note");
    if (p) p.hidden = true;
  }
  function showLatest(form, text) {
    let note = form.querySelector(".merge-note");
    if (!note) { note = document.createElement("p"); note.className = "warning merge-note"; form.prepend(note); }
    note.textContent = text || "";
    note.hidden = !text;
  }
  function open(form) {
    const box = form.closest("details");
    if (box) box.open = true;
    form.scrollIntoView();
  }
  function need(ok, text) {
    if (!ok) app.say(text);
    return ok;
  }

  // ------------------------------------------------------------------ case page
  async function queueCaseWrite(form, kind, path, build) {
    const f = form.elements;
    const earlier = await F.queueGet(f.client_id.value);
    const cid = f.client_id.value || F.newId();
    const body = await build(f, cid, await baseVersion(form), earlier);
    if (!body) return;
    await app.enqueue({
      cid, kind, case_id: caseEl().dataset.caseId, url: "/api/v1/cases/" + caseEl().dataset.caseId + path,
      state: "pending", detail: "", created: (earlier && earlier.created) || new Date().toISOString(), body,
    });
    done(form);
    if (kind === "visit") f.visited_on.value = body.date;
  }
  const CASE_FORMS = {
    visit: ["visit-form", "/visits", async (f, cid, version, earlier) => {
      const date = f.visited_on.value;
      const changes = f.content.value.trim();
      if (!need(date && changes, "请填写走访日期和家庭变化情况。")) return null;
      return {
        date, changes, per_capita_income: f.per_capita_income.value || null, client_id: cid, version,
        photos: await photos(f.visited_on.form, earlier),
      };
    }],
    check: ["check-form", "/transitions", async (f, cid, version, earlier) => {
      const data = {
        date: f.date.value, kind: f.kind.value,
        risk_types: Array.from(f.risk_types.selectedOptions).map((o) => o.value),
        income_12m: f.income_12m.value, spending_12m: f.spending_12m.value, coping: f.coping.value,
        hardship: f.hardship.value.trim(), reason: f.reason.value.trim(), authorisation_signed: f.authorisation_signed.checked,
      };
      const ok = data.date && data.kind && data.coping && data.risk_types.length && data.income_12m !== "" && data.spending_12m !== "";
      if (!need(ok, "请填写核实日期、监测对象类别、风险类型、收入、支出和自身应对能力。")) return null;
      return {name: "verify", version, data, photos: await photos(f.date.form, earlier)};
    }],
    measure: ["measure-form", "/measures", async (f, cid, version) => {
      const body = {
        category: f.category.value, content: f.content.value.trim(), unit: f.unit.value.trim(), person: f.person.value.trim(),
        start_on: f.start_on.value, end_on: f.end_on.value || null, amount: f.amount.value || "0", version,
      };
      const ok = body.category && body.content && body.unit && body.person && body.start_on;
      return need(ok, "请填写措施类别、帮扶内容、实施单位、责任人和开始日期。") ? body : null;
    }],
  };
  function fillCaseForm(item, form) {
    const f = form.elements;
    const b = item.body;
    if (item.kind === "visit") {
      f.visited_on.value = b.date; f.content.value = b.changes; f.per_capita_income.value = b.per_capita_income || "";
    } else if (item.kind === "check") {
      const d = b.data;
      ["date", "kind", "income_12m", "spending_12m", "coping", "hardship", "reason"].forEach((n) => { f[n].value = d[n] || ""; });
      Array.from(f.risk_types.options).forEach((o) => { o.selected = d.risk_types.includes(o.value); });
      f.authorisation_signed.checked = !!d.authorisation_signed;
    } else {
      ["category", "content", "unit", "person", "start_on", "end_on"].forEach((n) => { f[n].value = b[n] || ""; });
      f.amount.value = b.amount && b.amount !== "0" ? b.amount : "";
    }
  }

  // ------------------------------------------------------------------ home page: alerts
  const ALERT_URL = (id) => "/api/v1/screening/alerts/" + id + "/transitions";
  let alertSignature = "";
  function drawAlerts(alerts) {
    const list = $("alert-list");
    if (!list) return;
    const sig = alerts.map((a) => a.id + ":" + a.version).join(",");
    if (sig === alertSignature) return;  // keep a form being filled in
    alertSignature = sig;
    list.replaceChildren(...alerts.map((a) => {
      const li = document.createElement("li");
      li.dataset.alertId = a.id;
      li.append(document.createTextNode(a.head_name + " · " + a.rule_name + " · " + a.state_label + (a.verify_due ? " · 核实期限 " + a.verify_due : "")));
      const btn = document.createElement("button");
      btn.type = "button"; btn.className = "small alert-open"; btn.textContent = "登记核实结果";
      btn.onclick = () => alertForm(a, true);
      li.append(document.createElement("br"), btn);
      li.alert = a;
      return li;
    }));
  }
  function alertForm(a, toggle) {
    const li = $("alert-list").querySelector('li[data-alert-id="' + a.id + '"]');
    if (!li) return null;
    let form = li.querySelector("form");
    if (form && toggle) { form.remove(); return null; }
    if (!form) {
      form = $("alert-form-template").content.firstElementChild.cloneNode(true);
      form.dataset.version = a.version;
      form.dataset.start = a.state === "issued" ? "1" : "";
      form.addEventListener("submit", (e) => { e.preventDefault(); queueAlert(form, a); });
      li.append(form);
    }
    return form;
  }
  async function queueAlert(form, a) {
    const f = form.elements;
    const body = {action: f.action.value, version: Number(form.dataset.version), reason: f.reason.value.trim(), evidence: f.evidence.value.trim()};
    if (!need(body.action && body.reason, "请选择核实结果并填写核实说明。")) return;
    if (!need(body.action !== "dismiss" || body.evidence, "核实无风险时请填写核实依据。")) return;
    const earlier = await F.queueGet(f.client_id.value);
    await app.enqueue({
      cid: f.client_id.value || F.newId(), kind: "alert", alert_id: a.id, label: a.head_name + " · " + a.rule_name,
      url: ALERT_URL(a.id), start: !!form.dataset.start, state: "pending", detail: "",
      created: (earlier && earlier.created) || new Date().toISOString(), body,
    });
    form.remove();
  }

  // ------------------------------------------------------------------ home page: a new discovery
  function bindDiscovery() {
    const form = $("discovery-form");
    if (!form) return;
    const f = form.elements;
    const choices = form.querySelector(".household-choices");
    const chosen = form.querySelector(".chosen-household");
    f.household_search.addEventListener("input", async () => {
      const term = f.household_search.value.trim();
      const rows = term ? (await F.storeRows("h:")).filter((h) => h.head_name.includes(term) || h.number.includes(term)).slice(0, 8) : [];
      choices.replaceChildren(...rows.map((h) => {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button"; b.className = "small choose-household";
        b.textContent = "选择 " + h.head_name + "（" + h.number + "）";
        b.onclick = () => { f.household_id.value = h.id; chosen.textContent = h.head_name + "（" + h.number + "）"; choices.replaceChildren(); };
        li.append(b);
        return li;
      }));
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = {
        household_id: Number(f.household_id.value), channel: "cadre_visit", discovered_on: f.discovered_on.value,
        risk_types: Array.from(f.risk_types.selectedOptions).map((o) => o.value), description: f.description.value.trim(),
      };
      if (!need(body.household_id && body.discovered_on && body.risk_types.length && body.description, "请选择农户，填写发现日期、风险类型和情况描述。")) return;
      const earlier = await F.queueGet(f.client_id.value);
      await app.enqueue({
        cid: f.client_id.value || F.newId(), kind: "discovery", label: chosen.textContent, url: "/api/v1/cases",
        state: "pending", detail: "", created: (earlier && earlier.created) || new Date().toISOString(), body,
      });
      done(form);
      chosen.textContent = "未选择";
    });
  }

  // ------------------------------------------------------------------ edit a refused or conflicting record
  function canEdit(item) {
    if (item.kind === "discovery") return !!$("discovery-form");
    if (item.kind === "alert") return !!$("alert-list") && !!$("alert-list").querySelector('li[data-alert-id="' + item.alert_id + '"]');
    const spec = CASE_FORMS[item.kind];
    return !!spec && !!$(spec[0]) && !!caseEl() && String(item.case_id) === caseEl().dataset.caseId;
  }
  function edit(item, opts) {
    if (!canEdit(item)) { app.say("这条记录已无法在此修改（案件或预警已不在当前环节），请放弃。"); return; }
    let form;
    if (item.kind === "alert") {
      const li = $("alert-list").querySelector('li[data-alert-id="' + item.alert_id + '"]');
      form = alertForm(li.alert, false);
      form.dataset.version = opts.version !== undefined ? opts.version : item.body.version;
      form.dataset.start = item.start ? "1" : "";
      ["action", "reason", "evidence"].forEach((n) => { form.elements[n].value = item.body[n] || ""; });
    } else if (item.kind === "discovery") {
      form = $("discovery-form");
      const b = item.body;
      form.elements.household_id.value = b.household_id;
      form.querySelector(".chosen-household").textContent = item.label;
      form.elements.discovered_on.value = b.discovered_on;
      form.elements.description.value = b.description;
      Array.from(form.elements.risk_types.options).forEach((o) => { o.selected = b.risk_types.includes(o.value); });
    } else {
      form = $(CASE_FORMS[item.kind][0]);
      fillCaseForm(item, form);
      form.elements.version.value = opts.version !== undefined ? opts.version : item.body.version;
    }
    form.elements.client_id.value = item.cid;
    showLatest(form, opts.latest);
    if (item.body.photos && item.body.photos.length) showLatest(form, (opts.latest || "") + " 已保存的 " + item.body.photos.length + " 张照片会一并重新提交（重新选择则替换）。");
    open(form);
  }

  async function bind(api) {
    app = api;
    for (const [kind, [id, path, build]] of Object.entries(CASE_FORMS)) {
      const form = $(id);
      if (!form) continue;
      notePhotos(form);
      form.addEventListener("submit", (e) => { e.preventDefault(); queueCaseWrite(form, kind, path, build); });
    }
    bindDiscovery();
  }

  window.ZxFieldForms = {bind, canEdit, edit, drawAlerts};
})();
