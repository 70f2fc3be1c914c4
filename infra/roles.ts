// The system's two Node roles, started as child processes the one way `npm start` and the case benchmark share.
import { startProcess, type ManagedProcess } from './childProcess';
import { projectRoot } from './paths';

export const roleEntries = { worker: 'worker.ts', api: 'api/server.ts' } as const;
export type RoleName = keyof typeof roleEntries;

export interface RoleOptions {
  env: NodeJS.ProcessEnv;
  echo?: boolean;
  /** V8's old-space limit (WORKER_HEAP_LIMIT_MB for the worker); Node's default when not given. */
  heapLimitMb?: number;
  nodeArgs?: string[];
}

export function startRole(role: RoleName, { env, echo, heapLimitMb, nodeArgs = [] }: RoleOptions): ManagedProcess {
  const heap = heapLimitMb === undefined ? [] : [`--max-old-space-size=${heapLimitMb}`];
  return startProcess(role, process.execPath, [...heap, ...nodeArgs, '--import', 'tsx', roleEntries[role]], {
    cwd: projectRoot,
    env,
    echo,
  });
}
