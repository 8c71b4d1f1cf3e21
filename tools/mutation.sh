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
rm -rf mutants
timeout "${MUTATION_TIMEOUT:-5400}" "$MUTMUT" run --max-children "${MUTATION_CHILDREN:-2}" "$@" \
  > mutants.log 2>&1 || echo "mutmut run stopped early (exit $?); see mutants.log" >&2
"$MUTMUT" results --all true > mutants/results.txt
killed=$(grep -c ': killed$' mutants/results.txt || true)
timeouts=$(grep -c ': timeout$' mutants/results.txt || true)
total=$(grep -vc ': \(not checked\|skipped\)$' mutants/results.txt || true)
echo "mutation score: $((killed + timeouts)) killed of $total (timeouts count as killed)"
echo "survivors:"
grep -v ': \(killed\|timeout\|not checked\|skipped\)$' mutants/results.txt || true
