// In development the app is always fetched from the server; the published worker
// (service-worker.published.js) caches it for offline starts.
self.addEventListener("fetch", () => { });
