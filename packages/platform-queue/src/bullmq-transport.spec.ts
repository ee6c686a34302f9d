import { bullmqPriority, messageId } from './bullmq-transport.js';

describe('bullmq mapping', () => {
  it('maps ledger priority (higher first) onto BullMQ priority (lower first) within its range', () => {
    expect(bullmqPriority(10)).toBeLessThan(bullmqPriority(0));
    expect(bullmqPriority(0)).toBeLessThan(bullmqPriority(-5));
    expect(bullmqPriority(10_000_000)).toBe(1);
    expect(bullmqPriority(-10_000_000)).toBe(2_097_152);
  });

  it('gives each queued spell of a job its own message id', () => {
    expect(messageId({ run_id: 'abc', attempts: 0 })).toBe('abc');
    expect(messageId({ run_id: 'abc', attempts: 2 })).toBe('abc-2');
  });
});
