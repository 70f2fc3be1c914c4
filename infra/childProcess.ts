// Long-running child processes (Temporal dev server, embedded PostgreSQL, worker, API) started and stopped
// the same way everywhere: output kept for error messages, a graceful stop with a hard deadline.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import net from 'node:net';

const liveChildren = new Map<ChildProcess, NodeJS.Signals>();
process.once('exit', () => {
  for (const [child, signal] of liveChildren) child.kill(signal);
});

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines the process wrote, for explaining a failure. */
  recentOutput(): string;
  exited(): boolean;
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartOptions extends SpawnOptions {
  /** Also copy the output here (appending). */
  logFile?: string;
  /** Echo output to this process's stdout/stderr with a prefix. */
  echo?: boolean;
  /** The signal that asks the process to stop cleanly (SIGTERM unless it understands another better). */
  stopSignal?: NodeJS.Signals;
}

/**
 * Takes the child down if this process dies without stopping it (SIGKILL, an out-of-memory kill, a crash): a
 * shell that polls our pid, then sends the stop signal, then SIGKILL to the child's group if it lingers. An
 * interrupted test run or `npm start` leaves no server behind holding its port.
 */
function watchOver(child: ChildProcess, stopSignal: NodeJS.Signals): void {
  if (!child.pid || process.platform === 'win32') return;
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
kill -${stopSignal.replace(/^SIG/, '')} ${child.pid} 2>/dev/null || exit 0
for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 ${child.pid} 2>/dev/null || exit 0; sleep 1; done
kill -KILL -${child.pid} 2>/dev/null`;
  const watchdog = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  child.once('exit', () => watchdog.kill('SIGKILL'));
}

export function startProcess(name: string, command: string, args: string[], options: StartOptions = {}): ManagedProcess {
  const { logFile, echo, stopSignal = 'SIGTERM', ...spawnOptions } = options;
  // Each child gets its own process group, so a terminal's Ctrl-C reaches only the parent, which then stops
  // the children in order; if the parent exits anyway, the exit hook above takes the children with it, and if it
  // is killed outright, the watchdog does.
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...spawnOptions });
  liveChildren.set(child, stopSignal);
  child.once('exit', () => liveChildren.delete(child));
  watchOver(child, stopSignal);
  const lines: string[] = [];
  const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
  let exitedAlready = false;
  child.once('exit', () => {
    exitedAlready = true;
    log?.end();
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      log?.write(chunk);
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        if (lines.length > 40) lines.shift();
        if (echo) process.stdout.write(`[${name}] ${line}\n`);
      }
    });
  }
  return {
    name,
    child,
    recentOutput: () => lines.join('\n'),
    exited: () => exitedAlready || child.exitCode !== null || child.signalCode !== null,
    async stop(timeoutMs = 10_000) {
      if (this.exited()) return;
      const exit = once(child, 'exit');
      child.kill(stopSignal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Resolves when `probe` succeeds; fails early, with the process's output, if the process dies first. */
export async function waitUntilReady(
  processToWatch: ManagedProcess,
  probe: () => Promise<unknown>,
  { timeoutMs = 60_000, what = processToWatch.name } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (processToWatch.exited()) {
      throw new Error(`${what} exited during start-up: ${processToWatch.recentOutput().split('\n').slice(-5).join(' | ')}`);
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await processToWatch.stop();
  throw new Error(`${what} was not ready within ${timeoutMs / 1000}s: ${String(lastError)}`);
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export async function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const server = net.createServer();
  try {
    server.listen(port, host);
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}
