// Numbers as people read them in a board paper.
const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const pound = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });

export const n0 = (x: number | null | undefined): string => (x == null ? '–' : whole.format(x));
export const n1 = (x: number | null | undefined): string => (x == null ? '–' : one.format(x));
export const pct = (x: number | null | undefined): string => (x == null ? '–' : `${one.format(x * 100)}%`);
export const gbp = (x: number | null | undefined): string => (x == null ? '–' : pound.format(x));
/** A date of the API (yyyy-mm-dd, a day in UTC) as a board paper writes it: "1 April 2026", wherever the browser is. */
export const longDate = (x: string): string => new Date(x).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Escapes text for innerHTML. */
export function esc(s: string | null | undefined): string {
  return (s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
