// Dates as the bureau writes them in documents and notices (GB/T 9704: 年月日 in Arabic numerals, no leading zeros).
import { chinaDate } from './deadlines';

/** `2026-12-06` or an instant → 2026年12月6日 (the day in China time). */
export function chineseDate(value: string | Date): string {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : chinaDate(new Date(value));
  const [year, month, day] = date.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

const englishMonths = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The same day in English: 6 December 2026. */
export function englishDate(value: string | Date): string {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : chinaDate(new Date(value));
  const [year, month, day] = date.split('-').map(Number);
  return `${day} ${englishMonths[month! - 1]} ${year}`;
}
