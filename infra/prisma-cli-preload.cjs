// Preloaded into the Prisma CLI (NODE_OPTIONS=--require) by infra/migrate.ts. The WebAssembly schema engine
// leaves a 10-second timer behind after its work is done, which keeps the CLI process alive for 10 s after
// every `migrate deploy`. Timers it schedules are unref'd: they still fire while the engine is busy (its open
// sockets keep the process alive) but no longer hold an otherwise finished process open.
const originalSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = function setTimeoutUnrefFromWasm(callback, delay, ...args) {
  const timer = originalSetTimeout.call(this, callback, delay, ...args);
  if (new Error().stack?.includes('wasm-function')) timer.unref?.();
  return timer;
};
