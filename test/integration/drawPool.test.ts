// The draw's pool as the product freezes it (activities/drawPool.ts: binary COPY into SnapshotBuilder) and stores it
// (activities/drawSnapshots.ts: once, compressed, beside the draw row), against the one query it replaced and the
// jsonb rows committed before.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freezeSnapshot } from '../../activities/draws';
import type { Db } from '../../db/client';
import { chinaDate } from '../../domain/deadlines';
import { canonicalSnapshot, canonicalSnapshotJson, riskFlags, snapshotHash, type DrawSnapshot, type RiskFlag } from '../../domain/draw';
import { validUscc } from '../support/entities';
import { beaconValue, eventually, registerOfficer, untilPublished } from '../support/fixtures';
import { call, startTestSystem, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem('draw-pool');
});

afterAll(async () => {
  await system?.stop();
});

/** The pool as `freezeSnapshot` read it until 2026-12-06, one Prisma query of row objects: the reference. */
async function poolOfRecord(db: Db, scope: { categories?: string[]; streets?: string[] }, now: Date): Promise<DrawSnapshot> {
  const yearStart = new Date(`${chinaDate(now).slice(0, 4)}-01-01T00:00:00+08:00`);
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
  const categories = scope.categories?.length ? scope.categories : null;
  const streets = scope.streets?.length ? scope.streets : null;
  const targets = await db.$queryRaw<Array<{ id: string; uscc: string; category: string | null; street: string | null; inspections: number; complaints: number; dishonest: boolean; violation: boolean; noted: string[] }>>`
    select e.id::text as id, e.uscc, e.category, e.street,
      (select count(*)::int from "InspectionCase" c where c."entityId" = e.id and c.origin = 'random' and c."openedAt" >= ${yearStart}) as inspections,
      (select count(*)::int from "InspectionCase" c where c."entityId" = e.id and c.origin = 'complaint' and c."openedAt" >= ${yearAgo}) as complaints,
      exists (select 1 from "BlacklistEntry" b where b."entityId" = e.id) as dishonest,
      exists (select 1 from "Disposition" d join "InspectionCase" c on c.id = d."caseId" where c."entityId" = e.id and d.kind = 'penalty') as violation,
      array(select distinct f.flag from "EntityRiskFlag" f where f."entityId" = e.id and f."clearedAt" is null) as noted
    from "Entity" e
    where e."legalStatus" = 'operating'
      and (${categories}::text[] is null or e.category = any(${categories}::text[]))
      and (${streets}::text[] is null or e.street = any(${streets}::text[]))
    order by e.id::text collate "C"`;
  const officers = await db.$queryRaw<Array<{ id: string; specialties: string[]; validUntil: string; participations: number }>>`
    select o.id::text as id, o.specialties, to_char(o."certificateValidUntil", 'YYYY-MM-DD') as "validUntil",
      (select count(*)::int from "InspectionCase" c where o.id::text = any(c.team) and c."openedAt" >= ${yearStart}) as participations
    from "Officer" o
    where o.active and not o."certificateWithdrawn"
    order by o.id::text collate "C"`;
  const conflicts = await db.$queryRaw<Array<{ officerId: string; entityId: string }>>`
    select "officerId"::text as "officerId", "entityId"::text as "entityId" from "OfficerConflict"`;
  return {
    targets: targets.map((target) => ({
      id: target.id,
      uscc: target.uscc,
      category: target.category ?? '',
      street: target.street ?? '',
      inspectionsThisYear: target.inspections,
      riskFlags: [
        ...new Set([
          ...target.noted.filter((flag): flag is RiskFlag => (riskFlags as readonly string[]).includes(flag)),
          ...(target.complaints >= 2 ? (['complaints'] as RiskFlag[]) : []),
          ...(target.dishonest ? (['dishonest'] as RiskFlag[]) : []),
          ...(target.violation ? (['violation_record'] as RiskFlag[]) : []),
        ]),
      ],
    })),
    officers: officers.map((officer) => ({ id: officer.id, specialties: officer.specialties, certificateValidUntil: officer.validUntil, participationsThisYear: officer.participations })),
    conflicts,
  };
}

describe('R5 R6 R10 R20 the pool is frozen in one snapshot by the fast reader, exactly as the query of record gave it', () => {
  it('R5 R6 inspections this year, complaints, blacklist, penalties and noted flags count as before, in and out of scope', async () => {
    const db = system.db;
    const now = new Date();
    const thisYear = new Date(`${chinaDate(now).slice(0, 4)}-01-01T00:00:00+08:00`);
    const lastYear = new Date(thisYear.getTime() - 40 * 86_400_000);
    const recently = new Date(now.getTime() - 60_000);
    const officers = [(await registerOfficer(system.baseUrl)).id, (await registerOfficer(system.baseUrl, { specialties: ['商贸流通', '成品油'] })).id];
    const entity = async (fields: { category?: string | null; street?: string | null; legalStatus?: 'operating' | 'revoked' } = {}) => {
      const id = randomUUID();
      await db.entity.create({ data: { id, uscc: validUscc(), name: `冻结测试企业 ${id.slice(0, 4)}`, category: '零售', street: "O'Neill 街道", ...fields } });
      return id;
    };
    const openCase = async (entityId: string, origin: 'random' | 'complaint', openedAt: Date, team: string[] = []) => {
      const id = randomUUID();
      await db.inspectionCase.create({ data: { id, workflowId: `inspection-case-${id}`, entityId, origin, status: 'closed', team, openedBy: 'test', openedAt } });
      return id;
    };
    const twice = await entity();
    await openCase(twice, 'random', recently, officers);
    await openCase(twice, 'random', thisYear, [officers[0]!]);
    await openCase(twice, 'random', lastYear, officers); // last year's: neither an inspection this year nor a participation
    const complained = await entity({ category: null, street: null });
    await openCase(complained, 'complaint', recently);
    await openCase(complained, 'complaint', lastYear);
    const complainedTwice = await entity({ category: '餐饮' });
    await openCase(complainedTwice, 'complaint', recently);
    await openCase(complainedTwice, 'complaint', new Date(now.getTime() - 300 * 86_400_000));
    const blacklisted = await entity();
    await db.blacklistEntry.create({ data: { id: randomUUID(), entityId: blacklisted, caseId: randomUUID(), reason: '失信', listedAt: lastYear } });
    const penalised = await entity({ street: '金城镇' });
    const penaltyCase = await openCase(penalised, 'complaint', lastYear);
    await db.disposition.create({ data: { id: randomUUID(), caseId: penaltyCase, kind: 'penalty', status: 'decided', details: {}, recordedBy: 'test', recordedAt: lastYear } });
    const noted = await entity();
    for (const [flag, clearedAt] of [['safety_hazard', null], ['abnormal_operation', recently], ['dishonest', null], ['not_a_flag', null]] as const) {
      await db.entityRiskFlag.create({ data: { id: randomUUID(), entityId: noted, flag, source: '通报', notedBy: 'test', notedAt: lastYear, clearedAt } });
    }
    await db.blacklistEntry.create({ data: { id: randomUUID(), entityId: noted, caseId: randomUUID(), reason: '失信', listedAt: lastYear } });
    await entity({ legalStatus: 'revoked' });
    await db.officerConflict.create({ data: { id: randomUUID(), officerId: officers[1]!, entityId: noted, relation: '近亲属', declaredBy: 'test', declaredAt: now } });

    for (const scope of [{}, { categories: ['零售'] }, { streets: ["O'Neill 街道", '金城镇'] }, { categories: ['餐饮', '零售'], streets: ['金城镇'] }]) {
      const frozen = await freezeSnapshot(db, scope, now);
      const expected = await poolOfRecord(db, scope, now);
      expect(canonicalSnapshot({ targets: frozen.targets, officers: frozen.officers, conflicts: frozen.conflicts }), JSON.stringify(scope)).toEqual(canonicalSnapshot(expected));
      expect(frozen.snapshotHash).toBe(snapshotHash(expected));
    }
    const all = await freezeSnapshot(db, {}, now);
    const flagsOf = (id: string) => all.targets.find((target) => target.id === id)?.riskFlags;
    expect(all.targets.find((target) => target.id === twice)?.inspectionsThisYear).toBe(2);
    expect([flagsOf(complained), flagsOf(complainedTwice), flagsOf(blacklisted), flagsOf(penalised), flagsOf(noted)]).toEqual([
      [],
      ['complaints'],
      ['dishonest'],
      ['violation_record'],
      ['dishonest', 'safety_hazard'],
    ]);
    expect(all.officers.find((officer) => officer.id === officers[0])?.participationsThisYear).toBe(2);
    expect(all.officers.find((officer) => officer.id === officers[1])?.participationsThisYear).toBe(1);
  });

  it('R5 R7 the counts the freeze reads follow every change of a case, one at a time or many at once, for a freeze in any year', async () => {
    const db = system.db;
    const now = new Date();
    const year = Number(chinaDate(now).slice(0, 4));
    const at = (text: string) => new Date(text);
    // China's new year begins at 16:00 UTC the day before: either side of it, one minute apart.
    const lastMomentOfLastYear = at(`${year - 1}-12-31T15:59:00Z`);
    const firstMomentOfThisYear = at(`${year - 1}-12-31T16:00:00Z`);
    const nextYear = at(`${year + 1}-03-01T00:00:00+08:00`);
    const officers = await Promise.all([1, 2, 3].map(async () => (await registerOfficer(system.baseUrl)).id));
    const [a, b, c] = officers as [string, string, string];
    const entities = await Promise.all(
      [1, 2, 3].map(async () => {
        const id = randomUUID();
        await db.entity.create({ data: { id, uscc: validUscc(), name: `计数测试企业 ${id.slice(0, 4)}`, category: '典当', street: '指前镇' } });
        return id;
      }),
    );
    const [one, two, three] = entities as [string, string, string];
    const scope = { categories: ['典当'], streets: ['指前镇'] };
    const caseRow = (entityId: string, origin: 'random' | 'complaint', openedAt: Date, team: string[]) => {
      const id = randomUUID();
      return { id, workflowId: `inspection-case-${id}`, entityId, origin, status: 'closed', team, openedBy: 'test', openedAt };
    };
    const agree = async (step: string) => {
      for (const when of [now, lastMomentOfLastYear, firstMomentOfThisYear, nextYear]) {
        const frozen = await freezeSnapshot(db, scope, when);
        const expected = await poolOfRecord(db, scope, when);
        const mine = (snapshot: { officers: readonly { id: string }[] }) => snapshot.officers.filter((officer) => officers.includes(officer.id));
        expect({ targets: frozen.targets, officers: mine(frozen) }, `${step}, frozen at ${when.toISOString()}`).toEqual({
          targets: expected.targets,
          officers: mine(expected),
        });
      }
    };
    const inspections = async (entityId: string) => (await freezeSnapshot(db, scope, now)).targets.find((target) => target.id === entityId)?.inspectionsThisYear;

    // Many at once, in one statement: two cases of one entity, either side of the new year, a team naming an officer twice.
    const first = caseRow(one, 'random', firstMomentOfThisYear, [a, b]);
    const before = caseRow(one, 'random', lastMomentOfLastYear, [a]);
    const doubled = caseRow(two, 'random', now, [c, c]);
    const complaint = caseRow(two, 'complaint', now, [a, c]);
    await db.inspectionCase.createMany({ data: [first, before, doubled, complaint] });
    expect(await inspections(one)).toBe(1);
    await agree('inserted together');

    // One at a time: the team changed (a reassignment, a recusal), a case moved to another entity and to next year, an origin changed.
    await db.inspectionCase.update({ where: { id: first.id }, data: { team: [b, c] } });
    await agree('team changed');
    await db.inspectionCase.update({ where: { id: doubled.id }, data: { entityId: three } });
    await agree('moved to another entity');
    await db.inspectionCase.update({ where: { id: first.id }, data: { openedAt: nextYear } });
    await agree('moved to next year');
    await db.inspectionCase.update({ where: { id: first.id }, data: { openedAt: now } });
    await agree('moved back to this year');
    await db.inspectionCase.update({ where: { id: complaint.id }, data: { origin: 'random' } });
    await agree('origin changed');
    await db.inspectionCase.update({ where: { id: complaint.id }, data: { status: 'inspecting' } });
    await agree('only the status changed');

    // Removed, one and then all at once.
    await db.inspectionCase.delete({ where: { id: first.id } });
    expect(await inspections(one)).toBe(0);
    await agree('one removed');
    await db.inspectionCase.deleteMany({ where: { id: { in: [before.id, doubled.id, complaint.id] } } });
    expect(await inspections(three)).toBe(0);
    await agree('all removed');
  });
});

describe('R20 a draw\'s pool is stored once, compressed, beside its row, and read only when asked for', () => {
  const asAuditor = testUsers.auditor.headers;
  const request = (name: string) => ({
    name,
    scope: { categories: ['二手车交易'], streets: ['直溪镇'] },
    rules: { targetCount: 3, teamSize: 2, inspectionDate: new Date().toISOString().slice(0, 10) },
  });
  const runAndFinish = async (draw: { id: string; randomnessSource: { publishedAt: string } | null }) => {
    await untilPublished(draw);
    const run = await call(system.baseUrl, 'POST', `/draws/${draw.id}/run`, { outsideRandomness: beaconValue() });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    return eventually(
      () => call(system.baseUrl, 'GET', `/draws/${draw.id}`, undefined, asAuditor).then((answer) => answer.body),
      (body) => body.status === 'drawn',
      120_000,
    );
  };

  beforeAll(async () => {
    for (let index = 0; index < 8; index += 1) {
      await system.db.entity.create({ data: { id: randomUUID(), uscc: validUscc(), name: `直溪镇某二手车商行${index}`, category: '二手车交易', street: '直溪镇' } });
    }
    const roll = await system.db.officer.count({ where: { active: true, certificateWithdrawn: false } });
    for (let index = roll; index < 4; index += 1) await registerOfficer(system.baseUrl);
  });

  it('R20 committed: the row holds no pool, its parts hash to the published hash, the draw reads and counts it, runs, verifies and downloads', async () => {
    const committed = await call(system.baseUrl, 'POST', '/draws', request('坛商抽查〔2026〕21号'));
    expect(committed.status, JSON.stringify(committed.body)).toBe(201);
    const row = await system.db.draw.findUniqueOrThrow({ where: { id: committed.body.id }, include: { storedSnapshot: { include: { parts: true } } } });
    expect(row.snapshot).toBeNull();
    expect(row.storedSnapshot).toMatchObject({ format: 'canonical-json/brotli-parts', targets: 8 });
    const { decompressPart } = await import('../../domain/draw/canonicalParts.mjs');
    const canonical = Buffer.concat(row.storedSnapshot!.parts.sort((a, b) => a.part - b.part).map((part) => decompressPart(part.bytes)));
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(canonical).digest('hex')).toBe(committed.body.snapshotHash);
    expect(committed.body.pool).toEqual({ targets: 8, officers: row.storedSnapshot!.officers, conflicts: row.storedSnapshot!.conflicts });

    const done = await runAndFinish(committed.body);
    expect(done.result.picks).toHaveLength(3);
    expect((await call(system.baseUrl, 'GET', `/draws/${committed.body.id}/verification`, undefined, asAuditor)).body).toMatchObject({ valid: true, problems: [] });
    const record = (await call(system.baseUrl, 'GET', `/draws/${committed.body.id}/record`, undefined, asAuditor)).body;
    expect(snapshotHash(record.snapshot)).toBe(committed.body.snapshotHash);
    expect(canonicalSnapshotJson(record.snapshot)).toBe(canonical.toString('utf8'));
  });

  it('R20 a draw committed before 2026-12-06, its pool as jsonb in the row, still counts, runs, verifies and downloads', async () => {
    const committed = await call(system.baseUrl, 'POST', '/draws', request('坛商抽查〔2026〕22号'));
    expect(committed.status, JSON.stringify(committed.body)).toBe(201);
    // Made into the old form: the pool as jsonb in the row, nothing beside it.
    const pool = canonicalSnapshot(await freezeSnapshot(system.db, request('').scope));
    await system.db.draw.update({ where: { id: committed.body.id }, data: { snapshot: pool as never } });
    await system.db.drawSnapshot.delete({ where: { drawId: committed.body.id } });
    expect(await system.db.drawSnapshotPart.count({ where: { drawId: committed.body.id } })).toBe(0);

    const read = (await call(system.baseUrl, 'GET', `/draws/${committed.body.id}`, undefined, asAuditor)).body;
    expect(read.pool).toEqual({ targets: 8, officers: pool.officers.length, conflicts: pool.conflicts.length });
    const done = await runAndFinish(committed.body);
    expect(done.result.snapshotHash).toBe(committed.body.snapshotHash);
    expect((await call(system.baseUrl, 'GET', `/draws/${committed.body.id}/verification`, undefined, asAuditor)).body).toMatchObject({ valid: true, problems: [] });
    const record = (await call(system.baseUrl, 'GET', `/draws/${committed.body.id}/record`, undefined, asAuditor)).body;
    expect(record.snapshot).toEqual(pool);
  });
});
