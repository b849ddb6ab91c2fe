'use strict';
// Waiting for ARI events in tests, with a timeout that names what was awaited.

/**
 * Resolves with [event, instances] for the next `type` event on `emitter`
 * (an ari-client Client) that satisfies `predicate`.
 */
function waitFor(emitter, type, predicate = () => true, timeoutMs = 5_000) {
  return new Promise((resolve, reject) => {
    const handler = (event, instances) => {
      if (!predicate(event, instances)) return;
      clearTimeout(timer);
      emitter.removeListener(type, handler);
      resolve([event, instances]);
    };
    const timer = setTimeout(() => {
      emitter.removeListener(type, handler);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${type}`));
    }, timeoutMs);
    emitter.on(type, handler);
  });
}

/** Resolves once `check()` returns a truthy value (polled), with that value. */
async function eventually(check, what, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(25);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Lets pending WebSocket messages and their listeners run. */
const settle = () => sleep(100);

module.exports = { waitFor, eventually, sleep, settle };
