/** How CI reports back (static help with this api's address). */
export function CiHint({ apiBase }: { apiBase: string }) {
  const base = apiBase || window.location.origin;
  return (
    <details className="ci-hint">
      <summary>CI &amp; webhooks</summary>
      <pre className="json">{`TASKSGODZILLA_API_BASE=${base}
tgz --api-base ${base} protocols show <id>

GitHub:  ${base}/webhooks/github   (X-GitHub-Event: workflow_run | check_suite | status | pull_request,
                                    X-Hub-Signature-256 signed with TASKSGODZILLA_WEBHOOK_TOKEN)
GitLab:  ${base}/webhooks/gitlab   (X-Gitlab-Event: Pipeline Hook | Merge Request Hook,
                                    X-Gitlab-Token: TASKSGODZILLA_WEBHOOK_TOKEN)`}</pre>
    </details>
  );
}
