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

export function startRole(role: RoleName, { env, echo, heapLimitMb, nodeArgs = [] }: RoleOptions): ManagedProcess {
  const heap = heapLimitMb === undefined ? [] : [`--max-old-space-size=${heapLimitMb}`];
  return startProcess(role, process.execPath, [...heap, ...nodeArgs, '--import', 'tsx', roleEntries[role]], {
    cwd: projectRoot,
    env,
    echo,
  });
}
