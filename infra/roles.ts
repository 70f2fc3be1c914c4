// The system's two Node roles, started as child processes the one way `npm start` and the case benchmark share.
import { startProcess, type ManagedProcess } from './childProcess';
import { projectRoot } from './paths';

export const roleEntries = { worker: 'worker.ts', api: 'api/server.ts' } as const;
export type RoleName = keyof typeof roleEntries;

export function startRole(
  role: RoleName,
  { env, echo, nodeArgs = [] }: { env: NodeJS.ProcessEnv; echo?: boolean; nodeArgs?: string[] },
): ManagedProcess {
  return startProcess(role, process.execPath, [...nodeArgs, '--import', 'tsx', roleEntries[role]], {
    cwd: projectRoot,
    env,
    echo,
  });
}
