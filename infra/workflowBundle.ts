// The workflow bundle (webpack over workflows/). A worker builds it in a short-lived child process and loads the
// file: webpack's own memory (over 100 MB of heap that the worker would otherwise keep for its whole life) goes
// away with the child. `tsx infra/workflowBundle.ts FILE` is that child.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

const quiet = { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} };

/** Bundles the workflows in this process and writes the bundle to `file`. */
export async function writeWorkflowBundle(file: string): Promise<void> {
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: quiet });
  writeFileSync(file, bundle.code);
}

/** Bundles the workflows in a child process; answers the bundle's code, read back from its file. */
export async function bundleWorkflowsApart(): Promise<{ code: string }> {
  const directory = mkdtempSync(path.join(tmpdir(), 'workflow-bundle-'));
  const file = path.join(directory, 'bundle.js');
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), file], { maxBuffer: 16 * 1024 * 1024 });
    return { code: readFileSync(file, 'utf8') };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeWorkflowBundle(process.argv[2]!).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
