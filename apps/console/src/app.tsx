import {
  createClient,
  hasEventType,
  isApiError,
  isOnboardingEvent,
  mergeEvents,
  type EventOut,
  type ProjectOut,
  type ProtocolRunOut,
} from '@tasksgodzilla/client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ActivityPanel } from './components/activity-panel.js';
import { Header, type LiveState, type StatusMessage } from './components/header.js';
import { NotificationsPanel } from './components/notifications-panel.js';
import { ObservabilityPanel } from './components/observability-panel.js';
import { OnboardingPanel } from './components/onboarding-panel.js';
import { Empty, Panel } from './components/panel.js';
import { ProjectForm } from './components/project-form.js';
import { ProjectTokenForm } from './components/project-token.js';
import { ProjectsPanel } from './components/projects-panel.js';
import { ProtocolForm } from './components/protocol-form.js';
import { QueuePanel } from './components/queue-panel.js';
import { RunDetail } from './components/run-detail.js';
import { RunList } from './components/run-list.js';
import { SpecAuditsPanel } from './components/spec-audits-panel.js';
import { ConsoleContext, type ConsoleContextValue, type StatusLevel } from './console-context.js';
import { useCoalesced } from './hooks/use-live-events.js';
import { useResource } from './hooks/use-resource.js';
import { useRunCosts } from './hooks/use-run-costs.js';
import { saveAuth, type AuthSettings } from './lib/auth-storage.js';
import { createEventBus } from './lib/event-bus.js';
import { carriesUsage } from './lib/events.js';
import { errorText } from './lib/format.js';

const ACTIVITY_LIMIT = 50;
const LIST_LIMIT = 200;

function session(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The console: selection state, the one live event stream, and the panels. */
export function App({ initialAuth }: { initialAuth: AuthSettings }) {
  const [auth, setAuth] = useState(initialAuth);
  const [projectId, setProjectId] = useState<number | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const [status, setStatus] = useState<StatusMessage>({
    text: initialAuth.token ? 'Using saved token.' : 'Ready.',
    level: 'info',
    id: 0,
  });
  const [live, setLive] = useState<LiveState>('connecting');
  const messageId = useRef(0);

  const projectToken = projectId !== null ? auth.projectTokens[String(projectId)] : undefined;
  const client = useMemo(
    () =>
      createClient({
        baseUrl: auth.apiBase || window.location.origin,
        token: auth.token || undefined,
        projectToken: projectToken || undefined,
      }),
    [auth.apiBase, auth.token, projectToken],
  );
  const bus = useMemo(() => createEventBus(), []);
  const notify = useCallback(
    (text: string, level: StatusLevel = 'info') => setStatus({ text, level, id: ++messageId.current }),
    [],
  );
  const context = useMemo<ConsoleContextValue>(() => ({ client, bus, notify }), [client, bus, notify]);

  // ---- data shared by several panels ----
  const projects = useResource(async () => (await client.listProjects({ limit: LIST_LIMIT })).items, [client]);
  const onboarding = useResource(projectId === null ? null : () => client.getOnboarding(projectId), [
    client,
    projectId,
  ]);
  const runs = useResource(
    projectId === null ? null : async () => (await client.listProtocols(projectId, { limit: LIST_LIMIT })).items,
    [client, projectId],
  );
  const activity = useResource(
    async () => (await client.listEvents({ project_id: projectId ?? undefined, limit: ACTIVITY_LIMIT })).items,
    [client, projectId],
  );
  const { costs, invalidate: invalidateCost } = useRunCosts(client, runs.data);
  const [onboardingStatus, setOnboardingStatus] = useState<ReadonlyMap<number, string>>(new Map());

  useEffect(() => {
    const summary = onboarding.data;
    if (summary) setOnboardingStatus((current) => new Map(current).set(summary.project_id, summary.status));
  }, [onboarding.data]);

  // ---- the live event stream: one connection, fanned out to the panels ----
  const lastEventId = useRef<number | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    const follow = async () => {
      setLive('connecting');
      try {
        // Start from the newest event that exists now, so nothing written while connecting is missed.
        if (lastEventId.current === null)
          lastEventId.current =
            (await client.listEvents({ limit: 1 }, { signal: controller.signal })).items[0]?.id ?? 0;
        setLive('live');
        for await (const event of client.streamEvents({
          last_event_id: lastEventId.current,
          signal: controller.signal,
        })) {
          lastEventId.current = event.id;
          bus.emit(event);
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        setLive('error');
        notify(
          isApiError(error) && error.status === 401
            ? 'Add a bearer token to start.'
            : `Live updates stopped: ${errorText(error)}`,
          'error',
        );
      }
    };
    void follow();
    return () => controller.abort();
  }, [client, bus, notify]);

  const reloadProjects = useCoalesced(() => void projects.reload(), 300);
  const reloadRuns = useCoalesced(() => void runs.reload(), 300);
  const reloadOnboarding = useCoalesced(() => void onboarding.reload(), 300);
  useEffect(
    () =>
      bus.subscribe((event: EventOut) => {
        if (event.project_id !== null && !(projects.data ?? []).some((project) => project.id === event.project_id))
          reloadProjects();
        if (projectId !== null && event.project_id === projectId) {
          reloadRuns();
          if (
            isOnboardingEvent(event) ||
            (event.protocol_run_id !== null && event.protocol_run_id === onboarding.data?.protocol_run_id)
          )
            reloadOnboarding();
        }
        if (projectId === null || event.project_id === projectId)
          activity.setData((current) => mergeEvents(current ?? [], [event], ACTIVITY_LIMIT));
        if (event.protocol_run_id !== null && carriesUsage(event)) invalidateCost(event.protocol_run_id);
      }),
    [
      bus,
      projectId,
      projects.data,
      onboarding.data,
      reloadProjects,
      reloadRuns,
      reloadOnboarding,
      activity.setData,
      invalidateCost,
    ],
  );

  // ---- derived views ----
  const invalidProjectIds = useMemo(() => {
    const ids = new Set<number>();
    for (const run of runs.data ?? []) if (run.spec_validation_status === 'invalid') ids.add(run.project_id);
    return ids;
  }, [runs.data]);
  const audits = useMemo(() => {
    const byProject = new Map<number, string>();
    const byRun = new Map<number, string>();
    for (const event of activity.data ?? []) {
      if (!hasEventType(event, 'spec_audit')) continue;
      if (event.project_id !== null && !byProject.has(event.project_id))
        byProject.set(event.project_id, event.created_at);
      if (event.protocol_run_id !== null && !byRun.has(event.protocol_run_id))
        byRun.set(event.protocol_run_id, event.created_at);
    }
    return { byProject, byRun };
  }, [activity.data]);

  // ---- actions ----
  const applyAuth = (settings: AuthSettings) => {
    setAuth(settings);
    saveAuth(session(), settings);
    notify('Auth saved. Loading data...');
  };
  const saveProjectToken = (id: number, token: string) => {
    const projectTokens = { ...auth.projectTokens };
    if (token) projectTokens[String(id)] = token;
    else delete projectTokens[String(id)];
    const next = { ...auth, projectTokens };
    setAuth(next);
    saveAuth(session(), next);
  };
  const selectProject = (id: number) => {
    setProjectId(id);
    setRunId(null);
  };
  const onProjectCreated = (project: ProjectOut) => {
    void projects.reload();
    selectProject(project.id);
  };
  const onRunCreated = (run: ProtocolRunOut) => {
    void runs.reload();
    setRunId(run.id);
  };
  const onRunChanged = useCallback(
    (run: ProtocolRunOut) =>
      runs.setData((current) =>
        current?.map((item) => (item.id === run.id && item.updated_at <= run.updated_at ? run : item)),
      ),
    [runs.setData],
  );

  useEffect(() => {
    if (projects.error && isApiError(projects.error) && projects.error.status === 401)
      notify('Add a bearer token to start.', 'error');
  }, [projects.error, notify]);

  return (
    <ConsoleContext.Provider value={context}>
      <Header auth={auth} onUseToken={applyAuth} status={status} live={live} />
      <main className="layout">
        <aside className="column">
          <ProjectsPanel
            projects={projects.data}
            error={projects.error}
            selectedId={projectId}
            invalidProjectIds={invalidProjectIds}
            lastAudit={audits.byProject}
            onboarding={onboardingStatus}
            onSelect={selectProject}
            onRefresh={() => void projects.reload().then((list) => list && notify(`Loaded ${list.length} project(s).`))}
          />
          <Panel title="Project token">
            <ProjectTokenForm projectId={projectId} token={projectToken ?? ''} onSave={saveProjectToken} />
          </Panel>
          <ProjectForm onCreated={onProjectCreated} />
          <QueuePanel />
          <SpecAuditsPanel projectId={projectId} activity={activity.data} onRefresh={() => void activity.reload()} />
        </aside>
        <div className="column wide">
          <OnboardingPanel
            projectId={projectId}
            summary={onboarding.data}
            error={onboarding.error}
            loading={onboarding.loading}
            onReload={() => void onboarding.reload()}
          />
          <ProtocolForm projectId={projectId} onCreated={onRunCreated} />
          <RunList
            projectId={projectId}
            runs={runs.data}
            error={runs.error}
            selectedId={runId}
            costs={costs}
            audits={audits.byRun}
            onSelect={setRunId}
            onRefresh={() => void runs.reload()}
          />
          {runId !== null ? (
            <RunDetail key={runId} runId={runId} apiBase={auth.apiBase} onRunChanged={onRunChanged} />
          ) : (
            <Panel title="Run detail">
              <Empty>
                {projectId === null
                  ? 'Select a project, then a run.'
                  : 'Select a run to see its steps, log, cost and events.'}
              </Empty>
            </Panel>
          )}
          <NotificationsPanel projectId={projectId} />
          <div className="two-up">
            <ActivityPanel events={activity.data} error={activity.error} onRefresh={() => void activity.reload()} />
            <ObservabilityPanel />
          </div>
        </div>
      </main>
    </ConsoleContext.Provider>
  );
}
