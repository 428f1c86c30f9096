// ViewSync.Browser's side of the [JSImport] bindings in BrowserLocalStorage.cs.

export function getItem(key) {
  return globalThis.localStorage.getItem(key);
}

// Returns null on success, or the browser's error message (a full quota, storage disabled).
export function setItem(key, value) {
  try {
    globalThis.localStorage.setItem(key, value);
    return null;
  } catch (e) {
    return `${e?.name ?? "Error"}: ${e?.message ?? e}`;
  }
}

export function removeItem(key) {
  globalThis.localStorage.removeItem(key);
}

export function keysWithPrefix(prefix) {
  const keys = [];
  for (let i = 0; i < globalThis.localStorage.length; i++) {
    const key = globalThis.localStorage.key(i);
    if (key !== null && key.startsWith(prefix)) {
      keys.push(key);
    }
  }
  return keys;
}

// One tab at a time may own a persistence name: a Web Lock held until unlock() or until the page goes
// away. Waits up to timeoutMs (a reloading page's old document may still hold it for a moment).
const releases = new Map();

export function tryLock(name, timeoutMs) {
  if (!globalThis.navigator?.locks) {
    return Promise.resolve(true); // no Web Locks API: nothing to coordinate with
  }
  return new Promise((resolve) => {
    globalThis.navigator.locks
      .request(name, { signal: AbortSignal.timeout(timeoutMs) }, () => {
        resolve(true);
        return new Promise((release) => releases.set(name, release));
      })
      .catch(() => resolve(false));
  });
}

export function unlock(name) {
  releases.get(name)?.();
  releases.delete(name);
}
