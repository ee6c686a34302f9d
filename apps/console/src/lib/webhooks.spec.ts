import { ApiError } from '@tasksgodzilla/client';
import { parseEventFilter, secretLabel, webhookCreateBody, webhookFieldErrors } from './webhooks.js';

describe('webhook form', () => {
  it('splits the event filter on commas and spaces, once each', () => {
    expect(parseEventFilter(' completed, failed  pr_opened,,completed ')).toEqual(['completed', 'failed', 'pr_opened']);
    expect(parseEventFilter('   ')).toEqual([]);
  });

  it('builds the create body: trimmed url, the filter, the format, the secret only when typed', () => {
    expect(webhookCreateBody({ url: ' http://h/x ', events: 'completed', secret: ' s3 ', format: 'slack' })).toEqual({
      url: 'http://h/x',
      event_filter: ['completed'],
      format: 'slack',
      secret: 's3',
    });
    expect(webhookCreateBody({ url: 'http://h/x', events: '', secret: '  ', format: 'json' })).not.toHaveProperty(
      'secret',
    );
  });

  it('shows a secret as set or not set, never its value', () => {
    expect(secretLabel({ secret: '***' })).toBe('set');
    expect(secretLabel({ secret: null })).toBe('not set');
  });

  it("maps a 422's issues to the form's fields", () => {
    const error = new ApiError({
      status: 422,
      detail: [
        { loc: ['body', 'url'], msg: 'must be an absolute http or https URL' },
        { loc: ['body', 'event_filter'], msg: 'unknown entry "nope"' },
        { loc: ['body', 'event_filter', 0], msg: 'second problem' },
        { loc: ['body', 'other'], msg: 'ignored' },
      ],
    });
    expect(webhookFieldErrors(error)).toEqual({
      url: 'must be an absolute http or https URL',
      event_filter: 'unknown entry "nope"; second problem',
    });
    expect(webhookFieldErrors(new ApiError({ status: 409, detail: 'Conflict' }))).toEqual({});
    expect(webhookFieldErrors(new Error('boom'))).toEqual({});
  });
});
