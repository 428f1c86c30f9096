// Offline-first for the app itself: every published asset is cached when the worker installs, and
// served from that cache, so the page starts (and ViewSync shows its local state) with the server down.
// Sync traffic (/_sync, /_live) always goes to the network: ViewSync handles being offline there.
self.importScripts("./service-worker-assets.js");

const cacheName = `viewsync-todo-${self.assetsManifest.version}`;
const cached = [/\.(dll|pdb|wasm|html|js|json|css|ico|png|svg|dat|blat|webmanifest)$/];
const base = new URL("./", self.location).pathname;

self.addEventListener("install", (event) => event.waitUntil(install()));
self.addEventListener("activate", (event) => event.waitUntil(activate()));
self.addEventListener("fetch", (event) => {
  if (handles(event.request)) {
    event.respondWith(fromCache(event.request));
  }
});

async function install() {
  const cache = await caches.open(cacheName);
  const assets = self.assetsManifest.assets.filter((a) => cached.some((p) => p.test(a.url)) && a.url !== "service-worker.js");
  await cache.addAll(assets.map((a) => new Request(a.url, { integrity: a.hash, cache: "no-cache" })));
  await self.skipWaiting();
}

async function activate() {
  for (const key of await caches.keys()) {
    if (key.startsWith("viewsync-todo-") && key !== cacheName) {
      await caches.delete(key);
    }
  }
  await self.clients.claim();
}

function handles(request) {
  const url = new URL(request.url);
  return request.method === "GET"
    && url.origin === self.location.origin
    && !url.pathname.startsWith(`${base}_sync/`)
    && !url.pathname.startsWith(`${base}_live`);
}

async function fromCache(request) {
  const cache = await caches.open(cacheName);
  const match = await cache.match(request.mode === "navigate" ? "index.html" : request);
  return match ?? fetch(request);
}
