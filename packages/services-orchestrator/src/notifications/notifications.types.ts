import type { Page, PageRequest, ProjectWebhook, WebhookFormat, WebhookNotification } from '@tasksgodzilla/core';
import type { BackoffFn } from '@tasksgodzilla/platform-queue';
import type { WebhookSender } from '@tasksgodzilla/platform-telemetry';

/** What the orchestrator needs to deliver outgoing webhooks (`deliver_webhook_job`). */
export interface NotificationDeps {
  /** The HTTP POST (platform-telemetry's `createWebhookSender`, with its timeout). */
  sender: WebhookSender;
  /** HTTP attempts of one delivery before it is `failed`. */
  maxAttempts: number;
  /** Delay before attempt n + 1 after attempt n failed (platform-queue's `exponentialBackoff`). */
  backoff: BackoffFn;
}

/** A webhook to add to a project. The secret is write-only: it is stored, used to sign, never shown. */
export interface ProjectWebhookInput {
  url: string;
  secret?: string | null;
  /** Group names (core's NOTIFICATION_GROUPS) and catalogue event types. */
  event_filter: string[];
  format?: WebhookFormat;
  enabled?: boolean;
}

/** Absent keys are kept; `secret: null` removes the secret. */
export type ProjectWebhookUpdate = Partial<ProjectWebhookInput>;

/** The reads of outgoing webhooks (part of OrchestratorReadModels). */
export interface NotificationReads {
  /** A project's webhooks, newest first. */
  projectWebhooks(projectId: number, page?: PageRequest): Promise<Page<ProjectWebhook>>;
  /** The webhook when it exists and belongs to the project, else null. */
  projectWebhook(projectId: number, webhookId: number): Promise<ProjectWebhook | null>;
  /** A webhook's delivery log, newest first. */
  webhookDeliveries(webhookId: number, page?: PageRequest): Promise<Page<WebhookNotification>>;
}
