// The system's two Node roles, started as child processes the one way `npm start` and the case benchmark share.
import { startProcess, type ManagedProcess } from './childProcess';
import { projectRoot } from './paths';

export const roleEntries = { worker: 'worker.ts', api: 'api/server.ts' } as const;
export type RoleName = keyof typeof roleEntries;

export interface RoleOptions {
  env: NodeJS.ProcessEnv;
  echo?: boolean;
  /** V8's old-space limit (roleHeapLimitMb); Node's default when not given. */
  heapLimitMb?: number;
  nodeArgs?: string[];
}

/** The V8 old-space limit each role runs with under `npm start` (WORKER_HEAP_LIMIT_MB, API_HEAP_LIMIT_MB). */
export function roleHeapLimitMb(role: RoleName, limits: { WORKER_HEAP_LIMIT_MB: number; API_HEAP_LIMIT_MB: number }): number {
  return role === 'worker' ? limits.WORKER_HEAP_LIMIT_MB : limits.API_HEAP_LIMIT_MB;
}

/**
 * glibc's allocator for the roles, unless the environment says otherwise. By default it raises the size from which
 * it maps memory of its own for an allocation to that of the largest block freed, up to 32 MB; after a draw's
 * million-entity buffers (a few hundred kB each) are freed, the next ones come from its heaps instead, which it
 * keeps. At a fixed 128 kB they are given back when freed: at 1,000,000 entities the API's peak during a
 * commitment fell from 532 to 447 MB and the worker's while opening 2,000 cases from 492 to 374 MB, at the same
 * speed (bench/draw; other C libraries ignore the variable).
 */
const ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

export function startRole(role: RoleName, { env, echo, heapLimitMb, nodeArgs = [] }: RoleOptions): ManagedProcess {
  const heap = heapLimitMb === undefined ? [] : [`--max-old-space-size=${heapLimitMb}`];
  return startProcess(role, process.execPath, [...heap, ...nodeArgs, '--import', 'tsx', roleEntries[role]], {
    cwd: projectRoot,
    env: { ...ALLOCATOR_ENV, ...env },
    echo,
  });
}
