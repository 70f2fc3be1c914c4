// The rules table of a case (domain/caseRules.ts), action by actor by state, against an expectation written out
// here on its own: who may act (403 first, so that nobody learns a state they may not read), where (409), and
// with which fields (422, naming the field).
import { describe, expect, it } from 'vitest';
import type { ActionInput, CaseAction } from '../../domain/caseActions';
import { availableActions, checkAction, rolesFor, whoMay, type CaseFacts, type CaseSituation } from '../../domain/caseRules';
import { caseStatuses, type Actor, type CaseStatus } from '../../domain/inspectionCase';

const lead = 'officer-lead';
const colleague = 'officer-colleague';
const team = [lead, colleague];
const now = Date.parse('2026-12-06T02:00:00Z');

const actors = {
  'team officer': { id: lead, roles: ['officer'] },
  'officer not on the team': { id: 'officer-outsider', roles: ['officer'] },
  coordinator: { id: 'user-coordinator', roles: ['coordinator'] },
  leadership: { id: 'user-leader', roles: ['leadership'] },
  auditor: { id: 'user-auditor', roles: ['auditor'] },
} satisfies Record<string, Actor>;
type ActorName = keyof typeof actors;

const underWay: CaseStatus[] = ['opening', 'awaiting_inspection', 'under_review', 'awaiting_rectification_order', 'rectifying', 'awaiting_revisit', 'awaiting_disposition'];

/** The bureau's rules as the README and R9–R18 state them, written independently of the table under test. */
const expected: Record<CaseAction, { by: ActorName[]; in: CaseStatus[] }> = {
  inspection: { by: ['team officer'], in: ['awaiting_inspection'] },
  review: { by: ['coordinator', 'leadership'], in: ['under_review'] },
  'rectification-order': { by: ['team officer'], in: ['awaiting_rectification_order'] },
  'rectification-report': { by: ['team officer', 'coordinator'], in: ['rectifying', 'awaiting_revisit'] },
  revisit: { by: ['team officer'], in: ['awaiting_revisit'] },
  disposition: { by: ['team officer', 'coordinator'], in: ['awaiting_disposition'] },
  recusal: { by: ['team officer'], in: underWay },
  reassignment: { by: ['coordinator'], in: underWay },
  cancel: { by: ['leadership'], in: underWay },
};

/** A body each action accepts when the actor and the state are right. */
function validInput<A extends CaseAction>(action: A, actor: Actor): ActionInput<A> {
  const bodies: { [K in CaseAction]: Omit<ActionInput<K>, 'actor'> } = {
    inspection: {
      inspectionDate: '2026-12-05',
      officersPresent: team,
      items: [{ itemCode: 'SW-YFK-01', checkpoints: [{ code: 'deposit', passed: false }] }],
      resultCategory: 'problem_found',
    },
    review: { decision: 'approve' },
    'rectification-order': { requirements: '限期开立存管账户' },
    'rectification-report': { note: '已开立存管账户' },
    revisit: { revisitDate: '2026-12-05', officersPresent: team, rectified: true, findings: '已整改' },
    disposition: { dispositions: [{ kind: 'penalty', caseFilingNumber: '坛商罚立〔2026〕7号', legalBasis: '第三十六条' }] },
    recusal: { relation: 'relative' },
    reassignment: { officerId: colleague, replacementId: 'officer-new', reason: '病假' },
    cancel: { reason: '投诉人撤回投诉' },
  };
  return { ...bodies[action], actor } as ActionInput<A>;
}

const situation = (status: CaseStatus, extra: Partial<CaseSituation> = {}): CaseSituation => ({
  status,
  team,
  rectificationReported: false,
  defaultRectificationDays: 15,
  ...extra,
});

const rows = (Object.keys(expected) as CaseAction[]).flatMap((action) =>
  (Object.keys(actors) as ActorName[]).flatMap((actorName) => caseStatuses.map((status) => ({ action, actorName, status }))),
);

describe('R9–R18 the rules table: every action × actor × state', () => {
  it('R18 the table has a row for every action the API offers, and nothing else', () => {
    expect(Object.keys(expected).sort()).toEqual((['inspection', 'review', 'rectification-order', 'rectification-report', 'revisit', 'disposition', 'recusal', 'reassignment', 'cancel'] as const).slice().sort());
  });

  it.each(rows)('R18 $action by $actorName when $status', ({ action, actorName, status }) => {
    const actor = actors[actorName];
    const refusal = checkAction(action, situation(status), validInput(action, actor), { now });
    const rule = expected[action];
    if (!rule.by.includes(actorName)) expect(refusal?.kind).toBe('refused');
    else if (!rule.in.includes(status)) expect(refusal?.kind).toBe('conflict');
    else expect(refusal).toBeUndefined();
  });

  it.each(Object.keys(expected) as CaseAction[])('R18 the route for %s admits exactly the roles that may take it somewhere', (action) => {
    const roles = expected[action].by.map((name) => (name === 'team officer' ? 'officer' : actors[name].roles[0]));
    expect(rolesFor(action).sort()).toEqual([...new Set(roles)].sort());
  });
});

describe('R18 an officer acts only on their own team\'s cases, and learns nothing of the others', () => {
  it('R18 an officer not on the team is refused (403) every action, whatever the state, in the same words', () => {
    const messages = new Set<string>();
    for (const action of Object.keys(expected) as CaseAction[]) {
      for (const status of caseStatuses) {
        const refusal = checkAction(action, situation(status), validInput(action, actors['officer not on the team']), { now });
        expect(refusal?.kind, `${action} when ${status}`).toBe('refused');
        messages.add(refusal!.message);
      }
    }
    for (const message of messages) for (const status of caseStatuses) expect(message).not.toContain(status);
  });

  it('R18 the rectification report is the team\'s (or the office\'s): an officer not on the team may not file it', () => {
    expect(checkAction('rectification-report', situation('rectifying'), validInput('rectification-report', actors['officer not on the team']), { now })).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('not on this case\'s team'),
    });
    expect(checkAction('rectification-report', situation('rectifying'), validInput('rectification-report', actors.coordinator), { now })).toBeUndefined();
  });

  it('R10 an officer who declared a conflict with the entity may only recuse', () => {
    const facts: CaseFacts = { actorConflicted: true };
    const teamOfficer = actors['team officer'];
    expect(checkAction('inspection', situation('awaiting_inspection'), validInput('inspection', teamOfficer), { now, facts })).toMatchObject({ kind: 'refused', message: expect.stringContaining('R10') });
    expect(checkAction('recusal', situation('awaiting_inspection'), validInput('recusal', teamOfficer), { now, facts })).toBeUndefined();
    expect(whoMay('disposition', team, teamOfficer, facts)?.kind).toBe('refused');
  });

  it('R18 a page shows the forms of the actions its reader could take now, no more', () => {
    expect(availableActions(situation('awaiting_inspection'), actors['team officer']).sort()).toEqual(['inspection', 'recusal']);
    expect(availableActions(situation('awaiting_inspection'), actors['officer not on the team'])).toEqual([]);
    expect(availableActions(situation('rectifying', { rectificationReported: true }), actors['team officer']).sort()).toEqual(['recusal', 'revisit']);
    expect(availableActions(situation('under_review'), { id: 'both', roles: ['coordinator', 'leadership'] }).sort()).toEqual(['cancel', 'reassignment', 'review']);
    expect(availableActions(situation('closed'), actors.leadership)).toEqual([]);
    expect(availableActions(situation('publishing'), actors.coordinator)).toEqual([]);
  });
});

describe('R9–R15 what else makes an action wait (409) or its fields wrong (422)', () => {
  const teamOfficer = actors['team officer'];
  const fieldOf = <A extends CaseAction>(action: A, status: CaseStatus, body: Partial<Omit<ActionInput<A>, 'actor'>>, extra: Partial<CaseSituation> = {}, facts?: CaseFacts) => {
    const actor = expected[action].by.includes('team officer') ? teamOfficer : actors[expected[action].by[0]!];
    const refusal = checkAction(action, situation(status, extra), { ...validInput(action, actor), ...body }, { now, facts });
    return refusal && { kind: refusal.kind, field: refusal.field };
  };

  it('R13 a revisit before the deadline only once the entity has reported its rectification, and the report only once', () => {
    expect(fieldOf('revisit', 'rectifying', {})).toMatchObject({ kind: 'conflict' });
    expect(fieldOf('revisit', 'rectifying', {}, { rectificationReported: true })).toBeUndefined();
    expect(fieldOf('rectification-report', 'rectifying', {}, { rectificationReported: true })).toMatchObject({ kind: 'conflict' });
  });

  it('R12 a step still being written holds the next back: a second review, a recusal during another, a team change during a recusal', () => {
    expect(fieldOf('review', 'under_review', {}, { busy: { review: true } })).toMatchObject({ kind: 'conflict' });
    expect(fieldOf('recusal', 'awaiting_inspection', {}, { busy: { recusal: true } })).toMatchObject({ kind: 'conflict' });
    expect(fieldOf('reassignment', 'awaiting_inspection', {}, { busy: { recusal: true } })).toMatchObject({ kind: 'conflict' });
  });

  it.each([
    ['R9 one officer present', 'inspection', 'awaiting_inspection', { officersPresent: [lead] }, 'officersPresent'],
    ['R9 an officer present who is not on the team', 'inspection', 'awaiting_inspection', { officersPresent: [lead, 'officer-outsider'] }, 'officersPresent'],
    ['R9 no item', 'inspection', 'awaiting_inspection', { items: [] }, 'items'],
    ['R9 "no problem" with a failed checkpoint', 'inspection', 'awaiting_inspection', { resultCategory: 'no_problem' }, 'resultCategory'],
    ['R9 an inspection dated in the future', 'inspection', 'awaiting_inspection', { inspectionDate: '2026-12-09' }, 'inspectionDate'],
    ['R9 a return without a comment', 'review', 'under_review', { decision: 'return', comment: ' ' }, 'comment'],
    ['R12 another period without a reason', 'rectification-order', 'awaiting_rectification_order', { days: 7 }, 'overrideReason'],
    ['R13 a revisit with one officer', 'revisit', 'awaiting_revisit', { officersPresent: [colleague] }, 'officersPresent'],
    ['R14 no disposition', 'disposition', 'awaiting_disposition', { dispositions: [] }, 'dispositions'],
    ['R14 a penalty without its filing number', 'disposition', 'awaiting_disposition', { dispositions: [{ kind: 'penalty', legalBasis: '第三十六条' }] }, 'dispositions.0.caseFilingNumber'],
    ['R14 a penalty without its legal basis', 'disposition', 'awaiting_disposition', { dispositions: [{ kind: 'penalty', caseFilingNumber: '7号' }] }, 'dispositions.0.legalBasis'],
    ['R15 a transfer without its department', 'disposition', 'awaiting_disposition', { dispositions: [{ kind: 'transfer', reason: '管辖' }] }, 'dispositions.0.department'],
    ['R15 a police referral without its reason', 'disposition', 'awaiting_disposition', { dispositions: [{ kind: 'police_referral' }] }, 'dispositions.0.reason'],
    ['R10 a recusal without the relation', 'recusal', 'awaiting_inspection', { relation: '' }, 'relation'],
    ['R9 taking off an officer not on the team', 'reassignment', 'awaiting_inspection', { officerId: 'officer-outsider' }, 'officerId'],
    ['R9 a replacement already on the team', 'reassignment', 'awaiting_inspection', { replacementId: lead }, 'replacementId'],
    ['R9 a team change without a reason', 'reassignment', 'awaiting_inspection', { reason: ' ' }, 'reason'],
    ['R11 a cancellation without a reason', 'cancel', 'rectifying', { reason: '' }, 'reason'],
  ] as const)('%s is refused naming the field', (_title, action, status, body, field) => {
    expect(fieldOf(action, status, body as never)).toEqual({ kind: 'invalid', field });
  });

  it('R12 the default period itself needs no reason, nor a period the officer leaves to the default', () => {
    expect(fieldOf('rectification-order', 'awaiting_rectification_order', { days: 15 })).toBeUndefined();
    expect(fieldOf('rectification-order', 'awaiting_rectification_order', { days: 7, overrideReason: '整改量小' })).toBeUndefined();
  });

  it('R5 an inspection names only items that apply to the entity\'s category (issue 15: no 报废机动车 item for an oil retailer)', () => {
    const items = { entityCategory: 'refined_oil_retailer', categoriesOf: { 'SW-BFC-01': ['end_of_life_vehicle_recycler'], 'SW-CPY-01': ['refined_oil_retailer'], 'SW-ALL': [] } };
    const body = (...codes: string[]) => ({ items: codes.map((itemCode) => ({ itemCode, checkpoints: [{ code: '1', passed: false }] })) });
    expect(fieldOf('inspection', 'awaiting_inspection', body('SW-CPY-01', 'SW-BFC-01'), {}, { items })).toEqual({ kind: 'invalid', field: 'items.1.itemCode' });
    expect(fieldOf('inspection', 'awaiting_inspection', body('SW-CPY-01', 'SW-ALL'), {}, { items })).toBeUndefined();
    // Without the facts (the workflow's own validator) the rule is left to the service that reads them.
    expect(fieldOf('inspection', 'awaiting_inspection', body('SW-BFC-01'))).toBeUndefined();
  });
});
