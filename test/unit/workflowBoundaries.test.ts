// Workflow code must stay deterministic: it may import Temporal's workflow API, the domain's plain
// functions and other workflow files, and activities as types only — never Node, Prisma or the API.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/paths';

const workflowsDir = path.join(projectRoot, 'workflows');
const allowed = [/^@temporalio\/(workflow|common)$/, /^\.\/[\w.-]+$/, /^\.\.\/domain\//, /^\.\.\/config\/temporal$/];

function imports(source: string) {
  return [...source.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => ({
    typeOnly: Boolean(match[1]),
    specifier: match[2]!,
  }));
}

describe('R20 workflow code is deterministic: long-lived cases replay what they recorded', () => {
  const files = readdirSync(workflowsDir).filter((file) => file.endsWith('.ts'));

  it.each(files)('workflows/%s imports only workflow-safe modules', (file) => {
    const source = readFileSync(path.join(workflowsDir, file), 'utf8');
    for (const { typeOnly, specifier } of imports(source)) {
      if (typeOnly) continue;
      expect(allowed.some((pattern) => pattern.test(specifier)), `${file} imports ${specifier}`).toBe(true);
    }
  });

  it('R20 the boundary check itself catches a forbidden import', () => {
    const offending = imports("import { PrismaClient } from '@prisma/client';\nimport type { X } from '../activities';");
    expect(offending.filter((entry) => !entry.typeOnly).map((entry) => entry.specifier)).toEqual(['@prisma/client']);
    expect(allowed.some((pattern) => pattern.test('@prisma/client'))).toBe(false);
    expect(allowed.some((pattern) => pattern.test('node:fs'))).toBe(false);
  });
});
