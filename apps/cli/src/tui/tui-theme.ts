/** Terminal colour of a status word (ink colour names). */
export function statusColor(status: string): string | undefined {
  switch (status) {
    case 'completed':
    case 'succeeded':
    case 'valid':
      return 'green';
    case 'running':
    case 'planning':
    case 'needs_qa':
    case 'queued':
      return 'cyan';
    case 'needs_input':
      return 'magenta';
    case 'paused':
    case 'blocked':
    case 'skipped':
    case 'warning':
      return 'yellow';
    case 'failed':
    case 'cancelled':
    case 'invalid':
      return 'red';
    default:
      return undefined;
  }
}

/** Lines a bordered, titled box spends on its frame: two borders and the title. */
export const FRAME_LINES = 3;
