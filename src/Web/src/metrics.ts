// The figures, palettes, levels and team states come from the server's catalog (GET /api/catalog):
// nothing here repeats them. This module only turns them into MapLibre expressions and text.
import type { Catalog, Figure, Level, TeamStateId } from './api';

let catalog: Catalog | null = null;

export function setCatalog(c: Catalog): void { catalog = c; }
export const catalogLoaded = (): boolean => catalog !== null;
export function getCatalog(): Catalog {
  if (!catalog) throw new Error('the catalog is not loaded');
  return catalog;
}

export const figure = (id: string): Figure => getCatalog().figures.find((f) => f.id === id) ?? getCatalog().figures[0]!;
export const level = (id: string): Level => getCatalog().levels.find((l) => l.id === id) ?? getCatalog().levels.find((l) => l.id === 'lad')!;
export const palette = (id: string | null | undefined): string[] => [...(getCatalog().palettes.find((p) => p.id === id)?.colours ?? [])];

/** The levels the viewer offers under "Areas": those with tiles that people look for by name. */
export const areaLevels = (): Level[] => getCatalog().levels.filter((l) => l.tiles && l.search);

/** The figures a level can be coloured by. */
export const mapFigures = (levelId: string): Figure[] => getCatalog().figures.filter((f) => f.map && f.levels.includes(levelId));

/** The class lower bounds in force for a figure at a level. */
export const breaks = (f: Figure, levelId: string): number[] => [...(f.breaks[levelId] ?? [])];

/** A value as the catalog says to write it. */
export function format(f: Figure, v: number): string {
  const digits = { maximumFractionDigits: f.decimals, minimumFractionDigits: 0 };
  return f.format === 'percent' ? `${new Intl.NumberFormat('en-GB', digits).format(v * 100)}%` : new Intl.NumberFormat('en-GB', digits).format(v);
}

/** The fill of an area with no figure (no births, say): the catalog's grey, never the lowest class. */
export const noValueColour = (): string => getCatalog().no_value_colour;

/** A MapLibre step expression: the scenario's value (feature-state) if any, else the tile's; grey where there is neither. */
export function fillColour(f: Figure, levelId: string): unknown[] {
  const colours = palette(f.palette);
  const b = breaks(f, levelId);
  const value = ['coalesce', ['feature-state', f.id], ['get', f.id]];
  const expr: unknown[] = ['step', ['to-number', value, 0], colours[0]];
  b.slice(1).forEach((x, i) => expr.push(x, colours[i + 1]));
  return ['case', ['==', value, null], noValueColour(), expr];
}

/** LSOA deprivation deciles in the catalog's own palette (not the district measure's). */
export function decileColour(): unknown[] {
  const colours = palette(figure('imd_decile').palette);
  const expr: unknown[] = ['step', ['get', 'imd_decile'], colours[0]];
  colours.slice(1).forEach((c, i) => expr.push(i + 2, c));
  return expr;
}

/** One team state as the catalog describes it. */
export const teamState = (id: string) => teamStates().find((t) => t.id === id);

/** The team states, with the map pattern each is drawn with (served is plain). */
export const teamStates = (): { id: TeamStateId; label: string; explain: string; pattern: string | null }[] =>
  getCatalog().team_states.map((s) => ({ id: s.id as TeamStateId, label: s.label, explain: s.explain, pattern: s.pattern ? `state-${s.id}` : null }));
