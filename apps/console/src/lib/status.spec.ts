import { statusTone } from './status.js';

describe('statusTone', () => {
  it('colours statuses by meaning', () => {
    expect([
      statusTone('completed'),
      statusTone('running'),
      statusTone('paused'),
      statusTone('cancelled'),
      statusTone('pending'),
      statusTone('needs_input'),
    ]).toEqual(['ok', 'busy', 'warn', 'bad', 'idle', 'warn']);
  });
});
