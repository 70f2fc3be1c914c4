// Small SVG charts: horizontal bars and a progress gauge, drawn without a library.
import { h, svg } from './dom';

export interface Bar {
  label: string;
  value: number;
  href?: string;
  tone?: 'warn' | 'ok' | 'plain';
}

export function barChart(bars: Bar[], options: { title: string; testId?: string }): HTMLElement {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const rowHeight = 26;
  // Item names are long Chinese phrases: the label column grows with them (a CJK character is about 12 units wide).
  const textWidth = (text: string) => [...text].reduce((sum, character) => sum + (character.charCodeAt(0) > 0x2e80 ? 12 : 7), 0);
  const labelWidth = Math.min(340, Math.max(150, ...bars.map((bar) => textWidth(bar.label) + 12)));
  const width = labelWidth + 370;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${bars.length * rowHeight + 4}`, role: 'img', 'aria-label': options.title, class: 'chart' });
  bars.forEach((bar, index) => {
    const y = index * rowHeight + 2;
    const length = ((width - labelWidth - 50) * bar.value) / max;
    const group = svg('g', { class: `bar ${bar.tone ?? 'plain'}` });
    group.append(
      svg('text', { x: labelWidth - 6, y: y + 16, 'text-anchor': 'end' }, bar.label),
      svg('rect', { x: labelWidth, y: y + 3, width: Math.max(length, bar.value ? 2 : 0), height: rowHeight - 8, rx: 3 }),
      svg('text', { x: labelWidth + length + 6, y: y + 16, class: 'value' }, String(bar.value)),
    );
    if (bar.href) {
      const link = svg('a', { href: bar.href });
      link.append(group);
      chart.append(link);
    } else chart.append(group);
  });
  return h('figure', { class: 'chart-figure', 'data-testid': options.testId }, h('figcaption', null, options.title), chart);
}

/** How far a share stands from its goal: a bar with the goal marked. */
export function gauge(share: number | null, goal: number, label: string): HTMLElement {
  const width = 300;
  const chart = svg('svg', { viewBox: `0 0 ${width} 24`, class: 'gauge', role: 'img', 'aria-label': label });
  chart.append(
    svg('rect', { x: 0, y: 4, width, height: 16, rx: 4, class: 'track' }),
    svg('rect', { x: 0, y: 4, width: width * Math.min(1, share ?? 0), height: 16, rx: 4, class: (share ?? 0) >= goal ? 'fill ok' : 'fill warn' }),
    svg('line', { x1: width * goal, x2: width * goal, y1: 0, y2: 24, class: 'goal' }),
  );
  return chart as unknown as HTMLElement;
}
