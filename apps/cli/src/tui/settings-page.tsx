import { Box } from 'ink';
import { DetailBox } from './detail-box.js';
import type { PageProps } from './page-props.js';
import { settingsDetail } from './tui-format.js';

/** Where the TUI connects and what is switched on (c configures, L toggles live updates). */
export function SettingsPage({ state, height }: PageProps) {
  const text = settingsDetail({
    apiBase: state.settings.apiBase,
    token: Boolean(state.settings.token),
    projectToken: Boolean(state.settings.projectToken),
    live: state.liveEnabled,
    stepFilter: state.stepFilter,
    jobFilter: state.jobFilter,
  });
  return (
    <Box height={Math.min(height, 10)}>
      <DetailBox
        title="Settings"
        text={`${text}\n\nc: configure api base and tokens (kept in memory only)\nL: live updates on/off`}
        height={Math.min(height, 10)}
      />
    </Box>
  );
}
