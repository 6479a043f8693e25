/* 振兴·移动工作台 — the phone's store: IndexedDB encrypted with AES-GCM under the key the server
   hands this logged-in account on the page (never written to IndexedDB), the queue of writes, and
   photos resized on the phone before they queue. Used by app.js (window.ZxField). */
(function () {
  "use strict";
  const cfg = document.getElementById("field-config").dataset;
  const DB_NAME = "zhenxing-field";
  const MAX_SIDE = 1600;  // a photo's longest side on the phone, in pixels
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  let keyPromise = null;

  // ------------------------------------------------------------------ IndexedDB
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
      const result = fn(t.objectStore(storeName));
      t.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : result); };
      t.onerror = () => { db.close(); reject(t.error); };
    });
  }
  const getAll = (s) => tx(s, "readonly", (st) => st.getAll());
  const getOne = (s, k) => tx(s, "readonly", (st) => st.get(k));
  const putMany = (s, rows) => tx(s, "readwrite", (st) => rows.forEach((r) => st.put(r)));
  const delOne = (s, k) => tx(s, "readwrite", (st) => st.delete(k));

  // ------------------------------------------------------------------ encryption
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
  async function storeRows(prefix) {
    const out = [];
    for (const r of await getAll("store")) if (r.k.startsWith(prefix)) out.push(await unseal(r));
    return out;
  }
  async function storeGet(k) {
    const row = await getOne("store", k);
    return row ? unseal(row) : null;
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
  // Logout: the database, every cache of the site and the service worker go.
  async function wipeAll() {
    try { await wipeData(); } catch (e) { /* deleted below anyway */ }
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = req.onerror = req.onblocked = () => resolve();
    });
    const names = await caches.keys();
    await Promise.all(names.map((n) => caches.delete(n)));
  }

  // ------------------------------------------------------------------ the queue
  async function queueAll() {
    const items = [];
    for (const r of await getAll("queue")) {
      try { items.push(await unseal(r)); } catch (e) { /* another key: wiped by checkOwner */ }
    }
    return items.sort((a, b) => (a.created < b.created ? -1 : 1));
  }
  async function queueGet(cid) {
    const row = cid ? await getOne("queue", cid) : null;
    return row ? unseal(row) : null;
  }
  async function queuePut(item) {
    const row = await seal(null, item);
    row.cid = item.cid;
    delete row.k;
    await putMany("queue", [row]);
  }

  // ------------------------------------------------------------------ photos
  // Resized on the phone (longest side ≤ 1600 px) and re-encoded as JPEG before they queue.
  async function resizePhoto(file) {
    const url = URL.createObjectURL(file);
    try {
      const img = await new Promise((resolve, reject) => {
        const i = new Image();
        i.onload = () => resolve(i);
        i.onerror = () => reject(new Error("not an image"));
        i.src = url;
      });
      const scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
      const w = Math.max(1, Math.round(img.naturalWidth * scale));
      const h = Math.max(1, Math.round(img.naturalHeight * scale));
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, w, h);
      ctx.drawImage(img, 0, 0, w, h);
      return canvas.toDataURL("image/jpeg", 0.85);
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  async function photosFrom(input) {
    const out = [];
    for (const f of Array.from((input && input.files) || [])) out.push(await resizePhoto(f));
    return out;
  }

  function newId() {
    return crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  window.ZxField = {
    cfg, getAll, getOne, putMany, delOne, seal, unseal, storeRows, storeGet, checkOwner, wipeData, wipeAll,
    queueAll, queueGet, queuePut, photosFrom, resizePhoto, newId, MAX_SIDE,
  };
})();
