/** Expects every one of `series` (exposition lines, or their beginnings) in the Prometheus text. */
export function expectSeries(text: string, series: readonly string[]): void {
  for (const line of series) expect(text).toContain(line);
}
