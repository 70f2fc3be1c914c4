import { describe, expect, it } from 'vitest';
import { coverageReport, currentYear, participationReport, yearBounds } from '../../domain/oversight';

const thresholds = { minOfficersShare: 0.8, minTaskShare: 0.2 };
const officer = (name: string, casesJoined: number, tasksJoined: number) => ({ id: name, name, unit: null, casesJoined, tasksJoined });

describe('participation (R7)', () => {
  it('R7: names the officers who joined fewer than 20% of the tasks, lowest first', () => {
    const report = participationReport([officer('甲', 5, 4), officer('乙', 1, 1), officer('丙', 0, 0), officer('丁', 3, 2)], 10, thresholds);
    expect(report.belowLine.map((row) => row.name)).toEqual(['丙', '乙']);
    expect(report.officers.find((row) => row.name === '丁')!.belowLine).toBe(false); // exactly 20%
  });

  it('R7: the share of officers taking part is measured against 80%', () => {
    const report = participationReport([officer('甲', 1, 1), officer('乙', 1, 1), officer('丙', 1, 1), officer('丁', 1, 1), officer('戊', 0, 0)], 1, thresholds);
    expect(report.officersShare).toBe(0.8);
    expect(report.meetsOfficersShare).toBe(true);
    const fewer = participationReport([officer('甲', 1, 1), officer('乙', 0, 0)], 1, thresholds);
    expect(fewer.meetsOfficersShare).toBe(false);
  });

  it('R7: before any task is carried out nobody is below the line', () => {
    const report = participationReport([officer('甲', 0, 0)], 0, thresholds);
    expect(report.belowLine).toEqual([]);
    expect(report.officers[0]!.taskShare).toBeNull();
  });
});

describe('coverage (R5)', () => {
  it('R5: reports the share inspected and how many remain for full coverage', () => {
    expect(coverageReport(200, 50)).toMatchObject({ share: 0.25, remaining: 150, goal: 1 });
    expect(coverageReport(0, 0).share).toBeNull();
  });
});

describe('the bureau’s year', () => {
  it('R19: runs on China Standard Time', () => {
    expect(yearBounds(2026).from.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(currentYear(new Date('2026-12-31T17:00:00Z'))).toBe(2027);
  });
});
