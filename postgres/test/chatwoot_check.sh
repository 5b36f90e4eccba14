#!/usr/bin/env bash
# Chatwoot end to end: on a throwaway cluster with tables of Chatwoot's
# schema (chatwoot/schema.sql), a generated history (chatwoot/generate.sql)
# and the hand-checked one (chatwoot/hand.sql), givetake.score_turns,
# score_accounts and score_agents over givetake.chatwoot_view equal the
# plain-SQL reference of spec section 3 (chatwoot/reference.sql,
# compared by chatwoot/compare.sql). Needs the extension installed.
# Usage: chatwoot_check.sh [conversations]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CONVERSATIONS="${1:-4000}"
# shellcheck source=cluster.sh
source "$HERE/cluster.sh"
trap gt_stop_all EXIT

gt_start chatwoot
q() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$GT_PORT" -U postgres -d postgres "$@"; }
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION givetake" \
  -f "$HERE/chatwoot/schema.sql" -f "$HERE/chatwoot/generate.sql" \
  -f "$HERE/chatwoot/reference.sql" -f "$HERE/chatwoot/hand.sql" \
  -c "SELECT chatwoot.generate($CONVERSATIONS)" \
  -c "SELECT givetake.chatwoot_view('chatwoot'), givetake.chatwoot_view('cw_hand', 'cw_hand')" >/dev/null

# the documented three commands: extension, view, refresh_scores
n=$(q -At -c "SELECT accounts FROM givetake.refresh_scores(givetake.chatwoot_view('chatwoot'))")
m=$(q -At -c "SELECT count(*) FROM givetake.account_scores a
              JOIN givetake.score_accounts('givetake.chatwoot_interactions') s
                ON s.account_id = a.account_id AND s.channel IS NOT DISTINCT FROM a.channel
               AND s.needs_ack = a.needs_ack AND s.acknowledged = a.acknowledged")
if [ "$n" -lt 3 ] || [ "$n" != "$m" ]; then
    echo "chatwoot check: refresh_scores wrote $n account rows, $m of them equal to score_accounts" >&2
    exit 1
fi
echo "== refresh_scores(givetake.chatwoot_view('chatwoot')): $n account rows"

if [ "$(q -At -c "SELECT to_regproc('givetake.score_turns') IS NOT NULL AND to_regproc('givetake.score_agents') IS NOT NULL")" != t ]; then
    echo "chatwoot check: SKIPPED: the installed givetake has no score_turns/score_agents (spec v2 turns)"
    exit 0
fi

q -At -c "SELECT format('== generated: %s accounts, %s inboxes, %s conversations, %s messages (%s incoming, %s outgoing, %s private notes, %s activity, %s template), %s view rows',
    (SELECT count(*) FROM chatwoot.accounts), (SELECT count(*) FROM chatwoot.inboxes),
    (SELECT count(*) FROM chatwoot.conversations), (SELECT count(*) FROM chatwoot.messages),
    count(*) FILTER (WHERE message_type = 0), count(*) FILTER (WHERE message_type = 1 AND NOT private),
    count(*) FILTER (WHERE private), count(*) FILTER (WHERE message_type = 2),
    count(*) FILTER (WHERE message_type = 3), (SELECT count(*) FROM givetake.chatwoot_interactions))
    FROM chatwoot.messages"
echo "== hand-checked history (cw_hand)"
q -v src=cw_hand.chatwoot_interactions -f "$HERE/chatwoot/compare.sql"
echo "== generated history (chatwoot, seed 0.42)"
q -v src=givetake.chatwoot_interactions -f "$HERE/chatwoot/compare.sql"
# another history from another seed
q -c "SET client_min_messages = warning" \
  -c "TRUNCATE chatwoot.accounts, chatwoot.users, chatwoot.agent_bots, chatwoot.inboxes,
      chatwoot.contacts, chatwoot.conversations, chatwoot.messages, chatwoot.attachments RESTART IDENTITY" \
  -c "SELECT chatwoot.generate($CONVERSATIONS, 0.77)" >/dev/null
echo "== generated history (chatwoot, seed 0.77)"
q -v src=givetake.chatwoot_interactions -f "$HERE/chatwoot/compare.sql"
echo "chatwoot check: engine equals the reference"
