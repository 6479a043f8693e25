"""The service worker, served from /field/sw.js (scope /field/). Our own code; nothing from a CDN.

Pages of /field/ go to the network first and fall back to the copy cached when the user last
opened them (or when the home page prefetched the open cases); static files come from the cache
first. The API is never cached or intercepted: writes are queued by the page (app.js) in IndexedDB.
A ``sync`` event (Background Sync, where the browser has it) asks the open pages to send the queue.
"""

SERVICE_WORKER = r"""/* 振兴·移动工作台 service worker */
const SHELL = __SHELL__;
const SCOPE = __SCOPE__;
const CACHE = "zhenxing-field-__VERSION__";
const OFFLINE = '<!doctype html><html lang="zh-CN"><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1"><title>离线</title>' +
  '<body style="font-family:sans-serif;padding:1em"><h1>当前无网络</h1>' +
  '<p>这个页面还没有在手机上保存过。请先打开<a href="' + SCOPE + '">移动工作台首页</a>，' +
  '有网络时打开过的案件页面在离线时也能使用。</p></body></html>';

async function keep(cache, url) {
  try {
    const resp = await fetch(url, {credentials: "same-origin", cache: "no-store"});
    if (resp.ok && !resp.redirected) await cache.put(url, resp);
  } catch (e) { /* offline: keep the older copy */ }
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => Promise.all(SHELL.map((u) => keep(c, u)))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("zhenxing-field-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (req.mode === "navigate" || url.pathname.startsWith(SCOPE)) {
    if (url.pathname === SCOPE + "sw.js") return;
    event.respondWith(
      fetch(req).then(async (resp) => {
        if (resp.ok && !resp.redirected && req.mode === "navigate" && url.pathname.startsWith(SCOPE)) {
          const cache = await caches.open(CACHE);
          await cache.put(url.pathname, resp.clone());
        }
        return resp;
      }).catch(async () => {
        const hit = await caches.match(url.pathname, {cacheName: CACHE});
        return hit || new Response(OFFLINE, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
      })
    );
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(req).then((hit) => hit || fetch(req).then(async (resp) => {
      if (resp.ok) (await caches.open(CACHE)).put(req, resp.clone());
      return resp;
    })));
  }
});

self.addEventListener("message", (event) => {
  const msg = event.data || {};
  if (msg.type === "keep") {
    event.waitUntil(caches.open(CACHE).then((c) => Promise.all((msg.urls || []).map((u) => keep(c, u)))));
  } else if (msg.type === "wipe") {
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((k) => caches.delete(k)))).then(() => {
      if (event.ports && event.ports[0]) event.ports[0].postMessage("wiped");
    }));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "field-queue") return;
  event.waitUntil(self.clients.matchAll({type: "window"}).then((list) => list.forEach((c) => c.postMessage({type: "flush"}))));
});
"""
