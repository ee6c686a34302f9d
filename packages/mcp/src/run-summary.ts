import {
  collect,
  isTerminalRun,
  runActions,
  type CallOptions,
  type ProtocolRunOut,
  type StepRunOut,
  type TasksGodzillaClient,
} from '@tasksgodzilla/client';

/** A protocol run with every step, whether it has ended, and the actions it offers now. */
export interface RunSummary {
  protocol: ProtocolRunOut;
  steps: StepRunOut[];
  /** True once the run is completed, cancelled or failed: polling can stop. */
  terminal: boolean;
  /** The run actions that make sense in its current status (`pause`, `resume`, `retry`, …). */
  actions: string[];
}

/** Reads a run and all its steps (every page) through the client. */
export async function runSummary(
  client: TasksGodzillaClient,
  protocolId: number,
  options?: CallOptions,
): Promise<RunSummary> {
  const protocol = await client.getProtocol(protocolId, options);
  const steps = await collect(client.iterate((page) => client.listSteps(protocolId, page, options), { limit: 200 }));
  const actions = Object.entries(runActions(protocol, steps))
    .filter(([, offered]) => offered)
    .map(([action]) => action);
  return { protocol, steps, terminal: isTerminalRun(protocol.status), actions };
}
