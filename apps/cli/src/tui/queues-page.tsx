import { Box } from 'ink';
import { DetailBox } from './detail-box.js';
import type { PageProps } from './page-props.js';
import { jobDetail, queueDetail } from './tui-format.js';

/** Queue counts, the jobs under the job filter (J), and the selected job in full. */
export function QueuesPage({ state, height, list }: PageProps) {
  const stats = Math.max(6, Math.floor(height * 0.3));
  const job = state.jobs.find((j) => j.job_id === state.jobId);
  return (
    <Box height={height}>
      <Box flexDirection="column" width="50%">
        <DetailBox title="Queues" text={queueDetail(state.queueStats)} height={stats} />
        {list('jobs', height - stats, { title: `Queue jobs · Filter: ${state.jobFilter}`, emptyText: 'No jobs.' })}
      </Box>
      <DetailBox title="Job detail (m: retry / cancel)" text={jobDetail(job)} height={height} />
    </Box>
  );
}
