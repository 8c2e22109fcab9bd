// Small SVG charts for the area panel. Each is a picture of a table shown next to it, so the
// picture is hidden from screen readers and the table carries the numbers.
import { esc, n1 } from './format';

export interface Bar { label: string; value: number | null; own: boolean }

/** Horizontal bars, one per area, the area itself in a darker colour and bold. */
export function barChart(bars: Bar[], unit: string, id: string): string {
  const row = 18, labelW = 150, chartW = 190, valueW = 44, w = labelW + chartW + valueW;
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
  const h = bars.length * row + 22;
  const clip = (s: string) => (s.length > 24 ? `${s.slice(0, 23)}…` : s);
  const items = bars.map((b, i) => {
    const y = i * row + 4, len = b.value == null ? 0 : (b.value / max) * chartW;
    return `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end" font-size="11" font-weight="${b.own ? 700 : 400}" fill="#0b0c0c">${esc(clip(b.label))}</text>
      <rect x="${labelW}" y="${y + 2}" width="${len.toFixed(1)}" height="${row - 6}" fill="${b.own ? '#1d70b8' : '#8eb8dc'}"${b.own ? ' stroke="#0b0c0c" stroke-width="1"' : ''}></rect>
      <text x="${labelW + len + 4}" y="${y + 12}" font-size="11" fill="#0b0c0c">${b.value == null ? '–' : esc(n1(b.value))}</text>`;
  }).join('');
  return `<svg class="app-chart" id="${esc(id)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" aria-hidden="true" focusable="false">
    ${items}<text x="${labelW}" y="${h - 4}" font-size="10" fill="#505a5f">${esc(unit)}</text></svg>`;
}
