import { describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../domain/caseDetail';
import { documentNumber } from '../../domain/issuer';
import { composeDocument, type DocumentFacts } from '../../services/documents/compose';
import { pdfText } from '../support/pdf';

const officerA = '11111111-1111-4111-8111-111111111111';
const officerB = '22222222-2222-4222-8222-222222222222';

/** A drawn case of a refined-oil retailer whose plan announced items of three categories. */
function drawnCase(): DocumentFacts {
  const found = {
    id: '33333333-3333-4333-8333-333333333333',
    status: 'awaiting_inspection',
    origin: 'random',
    originReason: '双随机抽取：坛商抽查〔2026〕1号 / random draw: 坛商抽查〔2026〕1号',
    planId: '44444444-4444-4444-8444-444444444444',
    team: [officerA, officerB],
    teamMembers: [],
    actorNames: {},
    openedBy: 'system',
    openedAt: '2026-12-01T01:00:00.000Z',
    closedAt: null,
    endReason: null,
    resultCategory: null,
    inspectionDueAt: '2026-12-31T15:59:59.999Z',
    rectificationDeadline: null,
    revisitDueAt: null,
    escalationLevel: 0,
    publishedAt: null,
    creditPushedAt: null,
    entity: { id: '55555555-5555-4555-8555-555555555555', uscc: '91320482MA1MXXXX0X', name: '常州市金坛区尧塘石油销售有限公司', legalStatus: 'operating' },
    timeline: [
      {
        kind: 'inspection_notice_sent',
        actor: 'system',
        reason: null,
        at: '2026-12-01T01:00:00.000Z',
        data: {
          planNumber: '坛商抽查〔2026〕1号',
          items: [
            { code: 'SW-CPY-01', name: '成品油零售经营者经营行为', legalBasis: '《江苏省成品油流通管理办法》第二十条', preparation: '成品油零售经营批准证书' },
            { code: 'SW-BFC-01', name: '报废机动车回收拆解企业资质与拆解行为', legalBasis: '《报废机动车回收管理办法》第六条', preparation: '回收拆解资质认定书' },
            { code: 'SW-DS-01', name: '典当行经营行为', legalBasis: '《典当管理办法》第二十六条', preparation: null },
          ],
        },
      },
    ],
    records: [],
    dispositions: [],
    publication: null,
    workflow: { id: 'x', status: 'RUNNING', state: null },
  } as unknown as CaseDetail;
  return {
    found,
    entity: { name: found.entity.name, uscc: found.entity.uscc, address: '常州市金坛区尧塘街道尧塘大街8号', legalRepresentative: '周建国', category: 'refined_oil_retailer' },
    items: new Map([
      ['SW-CPY-01', { code: 'SW-CPY-01', name: '成品油零售经营者经营行为', legalBasis: '《江苏省成品油流通管理办法》第二十条', categories: ['refined_oil_retailer'] }],
      ['SW-BFC-01', { code: 'SW-BFC-01', name: '报废机动车回收拆解企业资质与拆解行为', legalBasis: '《报废机动车回收管理办法》第六条', categories: ['end_of_life_vehicle_recycler'] }],
      ['SW-DS-01', { code: 'SW-DS-01', name: '典当行经营行为', legalBasis: '《典当管理办法》第二十六条', categories: ['pawnshop'] }],
    ]),
    officers: new Map([
      [officerA, { name: '王伟', certificateNumber: '32048201000' }],
      [officerB, { name: '李芳', certificateNumber: '32048201001' }],
    ]),
  };
}

describe('R8 the 随机抽查通知书 of a drawn case', () => {
  it('R8 lists only the plan\'s items that apply to the entity, the inspection window as 年月日 dates, the officers with their 执法证号, and what to prepare', async () => {
    const notice = composeDocument('inspection-notice', drawnCase())!;
    const number = documentNumber('inspection-notice', 2026, 7);
    const text = await pdfText(await notice.render([number], new Date('2026-12-01T02:00:00Z')));
    expect(number).toBe('坛商抽通〔2026〕7号');
    expect(text).toContain(number);
    expect(text).toContain('成品油零售经营者经营行为（依据：《江苏省成品油流通管理办法》第二十条）');
    expect(text).toContain('成品油零售经营批准证书');
    expect(text).not.toContain('报废机动车');
    expect(text).not.toContain('典当');
    expect(text).toContain('检查日期：2026年12月1日至2026年12月31日期间');
    expect(text).toContain('王伟（执法证号：32048201000）、李芳（执法证号：32048201001）');
    expect(text).toContain('坛商抽查〔2026〕1号');
    expect(text).toContain('送达回证');
  });

  it('R20 the same document issued at the same moment is the same bytes, so its SHA-256 identifies it', async () => {
    const issuedAt = new Date('2026-12-01T02:00:00Z');
    const [first, second] = await Promise.all([1, 2].map(() => composeDocument('inspection-notice', drawnCase())!.render(['坛商抽通〔2026〕7号'], issuedAt)));
    expect(first!.equals(second!)).toBe(true);
  });

  it('a case without a rectification order has no 责令整改通知书, and one without a transfer no 移送函', () => {
    expect(composeDocument('rectification-order', drawnCase())).toBeNull();
    expect(composeDocument('transfer-letter', drawnCase())).toBeNull();
    expect(composeDocument('inspection-record', drawnCase())).toBeNull();
  });
});
