#!/usr/bin/env bash
# Mutation testing of the rule modules (the list is [tool.mutmut] in pyproject.toml).
# mutmut is not a project dependency: install it into your own venv first,
#   .venv/bin/pip install mutmut
# Usage: tools/mutation.sh [MUTANT_GLOB ...]   e.g. tools/mutation.sh 'webinar.mail.reminders*'
# Env: MUTATION_CHILDREN (default 2), MUTATION_TIMEOUT in seconds (default 5400).
# It mutates a copy in ./mutants (git-ignored), runs the fast tests that cover each mutant
# (not tests/test_crash.py, not the fuzz test), then prints the score and the survivors.
set -euo pipefail
cd "$(dirname "$0")/.."
MUTMUT="${MUTMUT:-.venv/bin/mutmut}"
# The rules, by mutant name (fnmatch). Left out: Event.from_row/fields (column mappings)
# and delivery's claim/lease/send loop (deliver_due, _deliver_one, _Pass), which the crash
# and mail tests cover and which take minutes per surviving mutant on 2 cores.
RULES=(
  'webinar.mail.reminders.*'
  'webinar.mail.delivery.x_retry_delay__*' 'webinar.mail.delivery.x_skip_reason__*'
  'webinar.mail.delivery.x__record_failure__*' 'webinar.mail.delivery.x_redact__*'
  'webinar.mail.planner.*'
  'webinar.registrations.waitlist.*'
  'webinar.events.model.xǁEventǁ[!f]*'
  'webinar.events.model.xǁSectorǁ*'
  'webinar.attendance.joining.*'
  'webinar.outbox.consumer.*'
  'webinar.organizers.accounts.*'
)
[ "$#" -gt 0 ] && RULES=("$@")
rm -rf mutants
timeout "${MUTATION_TIMEOUT:-5400}" "$MUTMUT" run --max-children "${MUTATION_CHILDREN:-2}" \
  "${RULES[@]}" > mutants.log 2>&1 || echo "mutmut run stopped early (exit $?); see mutants.log" >&2
"$MUTMUT" results --all true > mutants/results.txt
killed=$(grep -c ': killed$' mutants/results.txt || true)
timeouts=$(grep -c ': timeout$' mutants/results.txt || true)
total=$(grep -vc ': \(not checked\|skipped\)$' mutants/results.txt || true)
echo "mutation score: $((killed + timeouts)) killed of $total (timeouts count as killed)"
echo "survivors:"
grep -v ': \(killed\|timeout\|not checked\|skipped\)$' mutants/results.txt || true
