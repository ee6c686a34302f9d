/** The fixed timestamp of fixtures and recorded test events, so snapshots never depend on the clock. */
export const TEST_TIME = '2026-11-27T17:00:00.000Z';
