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

  it('skips a gap when no transaction is in progress (rolled back, or a lost sequence value)', () => {
    expect(settle(3, [4, 6, 9], snap('12:12:'), null)).toEqual({ upTo: 9, pending: null });
  });

  it('stops at the first gap while a transaction is in progress, remembering the horizon', () => {
    expect(settle(3, [4, 6, 7], snap('10:12:10,11'), null)).toEqual({
      upTo: 4,
      pending: { below: 7, horizon: 12n },
    });
    // Still open (xmin below the horizon): the gap keeps blocking, the first horizon is kept.
    expect(settle(4, [6, 7, 8], snap('11:14:11,13'), { below: 7, horizon: 12n })).toEqual({
      upTo: 4,
      pending: { below: 7, horizon: 12n },
    });
  });

  it('skips the remembered gaps once every transaction open when they were seen has ended', () => {
    expect(settle(4, [6, 7, 8], snap('12:14:13'), { below: 7, horizon: 12n })).toEqual({ upTo: 8, pending: null });
    // A new gap above the remembered ones blocks again, with the new snapshot's horizon.
    expect(settle(4, [6, 7, 9], snap('12:14:13'), { below: 7, horizon: 12n })).toEqual({
      upTo: 7,
      pending: { below: 9, horizon: 14n },
    });
  });
});
