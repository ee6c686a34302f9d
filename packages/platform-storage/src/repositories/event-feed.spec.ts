import { parseSnapshot, settle } from './event-feed.js';

const snap = (text: string) => parseSnapshot(text);

describe('parseSnapshot', () => {
  it('reads xmin, xmax and the xids in progress', () => {
    expect(parseSnapshot('740:745:740,742')).toEqual({ xmin: 740n, xmax: 745n, xip: [740n, 742n] });
    expect(parseSnapshot('745:745:')).toEqual({ xmin: 745n, xmax: 745n, xip: [] });
    expect(() => parseSnapshot('nonsense')).toThrow('Unexpected pg_snapshot');
  });
});

describe('settle', () => {
  it('delivers contiguous ids, and every id when no snapshot (SQLite) is given', () => {
    expect(settle(3, [4, 5, 6], snap('10:12:10'), null)).toEqual({ upTo: 6, pending: null });
    expect(settle(3, [5, 9], null, null)).toEqual({ upTo: 9, pending: null });
    expect(settle(3, [], snap('10:12:10'), null)).toEqual({ upTo: 3, pending: null });
  });

  it('holds a gap even when no transaction is listed in progress: one may hold an xid at or above xmax', () => {
    // The writer of id 5 may have drawn its xid after the newest ended one (xmax 12): neither in xip nor
    // counted in xmin. The feed draws the horizon after the read (null until then).
    expect(settle(3, [4, 6, 9], snap('12:12:'), null)).toEqual({ upTo: 4, pending: { below: 9, horizon: null } });
  });

  it('stops at the first gap while a transaction is in progress, leaving the horizon to the feed', () => {
    expect(settle(3, [4, 6, 7], snap('10:12:10,11'), null)).toEqual({
      upTo: 4,
      pending: { below: 7, horizon: null },
    });
    // Still open (xmin below the horizon): the gap keeps blocking, the first horizon is kept.
    expect(settle(4, [6, 7, 8], snap('11:14:11,13'), { below: 7, horizon: 12n })).toEqual({
      upTo: 4,
      pending: { below: 7, horizon: 12n },
    });
    // A horizon not drawn yet never resolves a gap.
    expect(settle(4, [6, 7, 8], snap('20:20:'), { below: 7, horizon: null })).toEqual({
      upTo: 4,
      pending: { below: 7, horizon: null },
    });
  });

  it('skips the remembered gaps once every transaction that may fill them has ended', () => {
    expect(settle(4, [6, 7, 8], snap('12:14:13'), { below: 7, horizon: 12n })).toEqual({ upTo: 8, pending: null });
    // A new gap above the remembered ones blocks again, with a horizon the feed draws.
    expect(settle(4, [6, 7, 9], snap('12:14:13'), { below: 7, horizon: 12n })).toEqual({
      upTo: 7,
      pending: { below: 9, horizon: null },
    });
  });
});
