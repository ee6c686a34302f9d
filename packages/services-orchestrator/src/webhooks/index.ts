export { interpretGithubWebhook } from './github-webhook.js';
export { interpretGitlabWebhook } from './gitlab-webhook.js';
export { GITHUB_VALUE_SETS, GITLAB_VALUE_SETS, classifyCiValue } from './webhook-values.js';
export type { WebhookCiInput, WebhookInterpretation } from './webhook.types.js';
export { interpretIssueWebhook, issueWantsRun } from './issue-webhook.js';
