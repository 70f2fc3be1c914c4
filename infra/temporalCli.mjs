// Where the Temporal CLI comes from. Plain JavaScript because `npm run setup` (scripts/setup.mjs) uses it before
// any package (TypeScript runner included) is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
// Later releases carry a `replace` directive that `go install` refuses.
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = path.join(projectRoot, '.tools', `temporal-${TEMPORAL_CLI_VERSION}`);
const localBinary = path.join(toolsDir, 'temporal');

/** @param {string} command */
function onPath(command) {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** The CLI to use, or undefined when none is available yet. */
export function findTemporalCli(env = process.env) {
  if (env.TEMPORAL_CLI_PATH) return env.TEMPORAL_CLI_PATH;
  if (existsSync(localBinary)) return localBinary;
  return onPath('temporal');
}

/** Finds the CLI, building the pinned official one into .tools/ when there is none. */
export function ensureTemporalCli(env = process.env, log = console.log) {
  const existing = findTemporalCli(env);
  if (existing) {
    if (!existsSync(existing)) throw new Error(`TEMPORAL_CLI_PATH points to ${existing}, which does not exist`);
    return existing;
  }
  const go = onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new Error(
      'No Temporal CLI found and Go is not installed to build one. Install Go 1.24 or newer ' +
        '(https://go.dev/doc/install, or `apt-get install golang-go` on Debian 13), or put `temporal` on PATH, ' +
        'or set TEMPORAL_CLI_PATH to an existing Temporal CLI binary.',
    );
  }
  mkdirSync(toolsDir, { recursive: true });
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${go} (once; a few minutes on a cold Go cache)…`);
  execFileSync(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
    stdio: 'inherit',
    env: { ...env, GOBIN: toolsDir, GOFLAGS: '-mod=mod' },
  });
  return localBinary;
}
