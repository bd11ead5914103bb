import type { ViewerService } from '../types.js';

/**
 * Tableau 10 (the default categorical palette of Tableau and Vega, chosen to stay apart for the common forms
 * of colour blindness) and two more; after twelve services the hues go round the circle by the golden angle.
 */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#9c755f',
  '#ff9da7',
  '#bab0ac',
  '#86bcb6',
  '#8cd17d',
  '#a0cbe8',
];

function colorAt(index: number): string {
  return PALETTE[index] ?? `hsl(${Math.round((index * 137.508) % 360)} 55% 55%)`;
}

/**
 * One colour per service, by the services' names in alphabetical order: a service keeps its colour from one
 * page to the next as long as the set of services is the same. Red is left out of the palette: it marks errors.
 */
export function assignServiceColors(serviceNames: Iterable<string>): ViewerService[] {
  return [...new Set(serviceNames)].sort().map((name, index) => ({ name, color: colorAt(index) }));
}
