/** CSS modifier of a status pill. */
export function statusTone(status: string): 'ok' | 'busy' | 'warn' | 'bad' | 'idle' {
  switch (status) {
    case 'completed':
    case 'succeeded':
    case 'valid':
    case 'ok':
      return 'ok';
    case 'running':
    case 'planning':
    case 'needs_qa':
    case 'queued':
      return 'busy';
    case 'needs_input':
    case 'paused':
    case 'blocked':
    case 'warning':
    case 'skipped':
      return 'warn';
    case 'failed':
    case 'cancelled':
    case 'invalid':
    case 'degraded':
      return 'bad';
    default:
      return 'idle';
  }
}
