/* 振兴 searchable pickers (lib/picker.py). Vanilla JS, no dependency, no network beyond this site.
 *
 * 1. <input data-picker-url="/api/v1/pick/households" data-picker-value="id|code" data-picker-label="…">
 *    becomes a type-to-search box (ARIA combobox + listbox, arrow keys, Enter, Escape). The original
 *    input turns hidden and keeps the form's field name; it posts the chosen record's id (or code).
 *    What the user types is searched by POST to the same address, the address's own parameters and
 *    the page moved into a JSON body (with the page's CSRF token): an ID number, whole or its first
 *    digits while typing, never reaches a URL, the browser history or an access log.
 * 2. <span class="region-cascade" data-cascade-url="/api/v1/pick/regions" data-cascade-name="region">
 *    holds 县 → 乡 → 村 selects; choosing one loads the next level and only the deepest choice posts.
 */
(function () {
  "use strict";
  var PAGE = 20, seq = 0;

  function send(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader("Accept", "application/json");
    if (body !== null) {
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
    }
    xhr.onload = function () {
      if (xhr.status !== 200) { done(null, null, xhr.status); return; }
      try { done(JSON.parse(xhr.responseText), xhr.getResponseHeader("X-Next-Cursor")); } catch (e) { done(null); }
    };
    xhr.onerror = function () { done(null); };
    xhr.send(body);
  }

  function get(url, done) { send("GET", url, null, done); }

  // The token every page carries for htmx (<body hx-headers>), or a form's hidden field.
  function csrfToken() {
    try {
      var token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
      if (token) return token;
    } catch (e) { /* fall through to a form's field */ }
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // A picker's search: POST to the address (core/pickers.py answers a POST as its GET) with the
  // address's own parameters (region, level …) and these (q, limit, after) in the body.
  function search(url, params, done) {
    var at = url.indexOf("?"), body = {};
    if (at >= 0) {
      url.slice(at + 1).split("&").forEach(function (pair) {
        if (!pair) return;
        var eq = pair.indexOf("="), word = function (t) { return decodeURIComponent(t.replace(/\+/g, " ")); };
        body[word(eq < 0 ? pair : pair.slice(0, eq))] = eq < 0 ? "" : word(pair.slice(eq + 1));
      });
    }
    for (var k in params) { if (params[k] !== "" && params[k] != null) body[k] = params[k]; }
    send("POST", at >= 0 ? url.slice(0, at) : url, JSON.stringify(body), done);
  }

  function withParams(url, params) {
    var parts = [];
    for (var k in params) { if (params[k] !== "" && params[k] != null) parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(params[k])); }
    return url + (url.indexOf("?") < 0 ? "?" : "&") + parts.join("&");
  }

  function picker(input) {
    if (input.dataset.pickerReady) return;
    input.dataset.pickerReady = "1";
    var id = "picker-" + (++seq), key = input.dataset.pickerValue || "id";
    var box = document.createElement("div");
    box.className = "picker";
    var text = document.createElement("input");
    text.type = "search";
    text.className = "picker-text";
    text.placeholder = input.placeholder || "输入文字查找";
    text.autocomplete = "off";
    text.setAttribute("role", "combobox");
    text.setAttribute("aria-autocomplete", "list");
    text.setAttribute("aria-expanded", "false");
    text.setAttribute("aria-controls", id + "-list");
    if (input.id) { text.id = input.id; input.id = input.id + "_value"; }
    if (input.required) text.required = true;
    text.value = input.value ? (input.dataset.pickerLabel || input.value) : "";
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("span");
    status.className = "picker-status";
    status.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(box, input);
    input.type = "hidden";
    box.appendChild(text); box.appendChild(list); box.appendChild(status); box.appendChild(input);

    var items = [], active = -1, timer = null, next = null, query = "", asked = 0;

    function close() { list.hidden = true; text.setAttribute("aria-expanded", "false"); active = -1; text.removeAttribute("aria-activedescendant"); }
    function mark(i) {
      var opts = list.querySelectorAll("[role=option]");
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      for (var j = 0; j < opts.length; j++) opts[j].setAttribute("aria-selected", j === active ? "true" : "false");
      text.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function choose(i) {
      var it = items[i];
      if (!it) { if (next && i === items.length) more(); return; }
      input.value = key === "code" ? it.code : String(it.id);
      text.value = it.label;
      status.textContent = "已选择：" + it.label;
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function render(append) {
      if (!append) list.innerHTML = "";
      var old = list.querySelector(".picker-more");
      if (old) old.parentNode.removeChild(old);
      for (var i = append ? list.querySelectorAll("[role=option]").length : 0; i < items.length; i++) {
        var li = document.createElement("li");
        li.id = id + "-o" + i;
        li.setAttribute("role", "option");
        li.dataset.index = i;
        var b = document.createElement("span"); b.textContent = items[i].label; li.appendChild(b);
        if (items[i].detail) { var s = document.createElement("small"); s.textContent = items[i].detail; li.appendChild(s); }
        list.appendChild(li);
      }
      if (next) {
        var m = document.createElement("li");
        m.id = id + "-more"; m.className = "picker-more"; m.setAttribute("role", "option"); m.dataset.index = items.length;
        m.textContent = "显示更多…"; list.appendChild(m);
      }
      if (!items.length) { var e = document.createElement("li"); e.className = "picker-empty"; e.textContent = "没有找到（仅限您数据权限范围内）"; list.appendChild(e); }
      list.hidden = false;
      text.setAttribute("aria-expanded", "true");
      status.textContent = items.length ? "找到 " + items.length + (next ? "+" : "") + " 项，用上下键选择" : "没有找到";
    }
    function find() {
      query = text.value.trim();
      var mine = ++asked;
      search(input.dataset.pickerUrl, { q: query, limit: PAGE }, function (rows, cursor) {
        if (mine !== asked) return;  // a later keystroke answered first
        if (!rows) { status.textContent = "查询失败，请稍后再试"; return; }
        items = rows; next = cursor; render(false);
      });
    }
    function more() {
      var mine = ++asked;
      search(input.dataset.pickerUrl, { q: query, limit: PAGE, after: next }, function (rows, cursor) {
        if (mine !== asked || !rows) return;
        items = items.concat(rows); next = cursor; render(true); mark(items.length - rows.length);
      });
    }
    text.addEventListener("input", function () {
      input.value = "";  // typed words are not a choice until one is picked
      items = []; next = null; close(); list.innerHTML = "";  // earlier results no longer answer the words
      asked++;  // and a search still on its way is dropped
      status.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(find, 200);
    });
    text.addEventListener("focus", function () { if (!text.value && list.hidden) find(); });
    text.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); if (list.hidden) find(); else mark(active + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); mark(active - 1); }
      else if (ev.key === "Enter" && !list.hidden && active >= 0) { ev.preventDefault(); choose(active); }
      else if (ev.key === "Escape") { close(); }
    });
    list.addEventListener("mousedown", function (ev) { ev.preventDefault(); });  // keep focus in the box
    list.addEventListener("click", function (ev) {
      var li = ev.target.closest("[role=option]");
      if (li) choose(parseInt(li.dataset.index, 10));
    });
    text.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function cascade(span) {
    if (span.dataset.cascadeReady) return;
    span.dataset.cascadeReady = "1";
    var name = span.dataset.cascadeName;
    function selects() { return Array.prototype.slice.call(span.querySelectorAll("select")); }
    function add(parentCode) {
      get(withParams(span.dataset.cascadeUrl, { parent: parentCode, limit: 500 }), function (rows) {
        if (!rows || !rows.length) return;
        var s = document.createElement("select");
        s.name = name;
        s.setAttribute("aria-label", "选择下一级区划");
        var all = document.createElement("option"); all.value = parentCode; all.textContent = "（本级全部）"; s.appendChild(all);
        rows.forEach(function (r) { var o = document.createElement("option"); o.value = r.code; o.textContent = r.label; s.appendChild(o); });
        span.appendChild(s);
      });
    }
    span.addEventListener("change", function (ev) {
      var all = selects(), i = all.indexOf(ev.target);
      if (i < 0) return;
      all.slice(i + 1).forEach(function (s) { s.parentNode.removeChild(s); });
      var chosen = ev.target.value, first = ev.target.options[0] && ev.target.options[0].value;
      if (chosen && chosen !== first) add(chosen);
    });
    var form = span.closest("form");
    if (form) form.addEventListener("submit", function () {
      // only the deepest choice posts (the others would be read first-to-last anyway)
      var all = selects(), keep = null;
      all.forEach(function (s) { if (s.value) keep = s; });
      all.forEach(function (s) { if (s !== keep) s.removeAttribute("name"); });
      if (!keep && all.length) all[0].name = name;
    });
  }

  function init(root) {
    (root || document).querySelectorAll("input[data-picker-url]").forEach(picker);
    (root || document).querySelectorAll(".region-cascade[data-cascade-url]").forEach(cascade);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
  document.addEventListener("htmx:afterSettle", function (ev) { init(ev.target); });
})();
