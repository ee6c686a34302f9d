#!/usr/bin/env bash
# Posts this pipeline's result to TasksGodzilla, signed the way the forge signs its own webhooks, so a
# CI failure (with the end of its log) reaches the agent's next attempt without configuring a webhook.
#
#   scripts/ci/report.sh <success|failure|running> [log-file]
#
# Environment:
#   TASKSGODZILLA_URL            api base URL, e.g. https://tgz.example.com (required; unset: nothing is sent)
#   TASKSGODZILLA_WEBHOOK_TOKEN  the api's webhook secret (GitHub: HMAC-SHA256 signature; GitLab: X-Gitlab-Token)
#   TASKSGODZILLA_PROVIDER       github | gitlab (default: from GITHUB_ACTIONS / GITLAB_CI)
#   TASKSGODZILLA_PROTOCOL_RUN_ID  optional: name the run instead of matching repository + branch
#   TASKSGODZILLA_LOG_CHARS      how much of the log's end is sent (default 4000)
# Branch, commit, repository, job name and run URL come from the CI's own variables.
set -euo pipefail

status="${1:-}"
log_file="${2:-}"
case "$status" in
  success | failure | running) ;;
  *)
    echo "usage: $0 <success|failure|running> [log-file]" >&2
    exit 2
    ;;
esac
if [ -z "${TASKSGODZILLA_URL:-}" ]; then
  echo "report.sh: TASKSGODZILLA_URL is not set; nothing sent." >&2
  exit 0
fi

provider="${TASKSGODZILLA_PROVIDER:-}"
if [ -z "$provider" ]; then
  if [ -n "${GITLAB_CI:-}" ]; then provider=gitlab; else provider=github; fi
fi
log_chars="${TASKSGODZILLA_LOG_CHARS:-4000}"

# JSON string body: backslash, quote, tab and CR escaped, other control characters dropped, lines joined with \n.
json_escape() {
  LC_ALL=C sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' -e 's/\r/\\r/g' -e 's/[[:cntrl:]]//g' | awk '{ if (NR > 1) printf "\\n"; printf "%s", $0 }'
}
json_text() { printf '%s' "$1" | json_escape; }

log_tail=""
if [ -n "$log_file" ] && [ -f "$log_file" ]; then
  log_tail="$(tail -c "$log_chars" "$log_file" | json_escape)"
fi

if [ "$provider" = "github" ]; then
  branch="${GITHUB_HEAD_REF:-${GITHUB_REF_NAME:-}}"
  repo="${GITHUB_REPOSITORY:-}"
  sha="${GITHUB_SHA:-}"
  job="${GITHUB_JOB:-ci}"
  run_url=""
  if [ -n "${GITHUB_RUN_ID:-}" ]; then run_url="${GITHUB_SERVER_URL:-}/${repo}/actions/runs/${GITHUB_RUN_ID}"; fi
  if [ "$status" = "running" ]; then ci_status=in_progress conclusion=null; else ci_status=completed conclusion="\"$status\""; fi
  event=check_run
  body="{\"action\":\"completed\",\"repository\":{\"full_name\":\"$(json_text "$repo")\"},\"check_run\":{\"name\":\"$(json_text "$job")\",\"status\":\"$ci_status\",\"conclusion\":$conclusion,\"head_branch\":\"$(json_text "$branch")\",\"head_sha\":\"$(json_text "$sha")\",\"html_url\":\"$(json_text "$run_url")\",\"output\":{\"summary\":\"$(json_text "$job: $status")\",\"text\":\"$log_tail\"}}}"
elif [ "$provider" = "gitlab" ]; then
  branch="${CI_COMMIT_REF_NAME:-}"
  repo="${CI_PROJECT_PATH:-}"
  sha="${CI_COMMIT_SHA:-}"
  job="${CI_JOB_NAME:-ci}"
  case "$status" in success) gl_status=success ;; failure) gl_status=failed ;; *) gl_status=running ;; esac
  event="Pipeline Hook"
  body="{\"object_kind\":\"pipeline\",\"project\":{\"path_with_namespace\":\"$(json_text "$repo")\"},\"object_attributes\":{\"ref\":\"$(json_text "$branch")\",\"status\":\"$gl_status\",\"sha\":\"$(json_text "$sha")\",\"url\":\"$(json_text "${CI_PIPELINE_URL:-}")\"},\"builds\":[{\"name\":\"$(json_text "$job")\",\"status\":\"$gl_status\"}],\"log_excerpt\":\"$log_tail\"}"
else
  echo "report.sh: TASKSGODZILLA_PROVIDER must be github or gitlab (got $provider)" >&2
  exit 2
fi

url="${TASKSGODZILLA_URL%/}/webhooks/$provider"
if [ -n "${TASKSGODZILLA_PROTOCOL_RUN_ID:-}" ]; then url="$url?protocol_run_id=$TASKSGODZILLA_PROTOCOL_RUN_ID"; fi
headers=(-H "Content-Type: application/json")
secret="${TASKSGODZILLA_WEBHOOK_TOKEN:-}"
if [ "$provider" = "github" ]; then
  headers+=(-H "X-GitHub-Event: $event")
  if [ -n "$secret" ]; then
    signature="$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}')"
    headers+=(-H "X-Hub-Signature-256: sha256=$signature")
  fi
else
  headers+=(-H "X-Gitlab-Event: $event")
  if [ -n "$secret" ]; then headers+=(-H "X-Gitlab-Token: $secret"); fi
fi

printf '%s' "$body" | curl --silent --show-error --fail --max-time 30 -X POST "${headers[@]}" --data-binary @- "$url"
echo
