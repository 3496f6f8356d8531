#!/usr/bin/env bash
# The house rules a linter keeps (.editorconfig), as CI checks them (.ci/run) and as a developer fixes them:
#
#   scripts/lint.sh          verify: exits non-zero, naming each file and rule, when anything would change
#   scripts/lint.sh --fix    apply what dotnet format can fix (usings, whitespace, style); line length and the
#                            analyzers' findings it cannot fix are left to you (the build names them)
#
# The build already fails on every analyzer and code-style finding (EnforceCodeStyleInBuild, warnings are errors);
# this adds whitespace and formatting, which the build does not check.
set -uo pipefail
cd "$(dirname "$0")/.."

# Theory tables laid out in aligned columns: whitespace formatting would collapse the columns. The build still checks
# their style and analyzers.
aligned=(tests/Distribution.Tests/DistributionTaskRules.cs tests/Engine.Tests/Coupons tests/Engine.Tests/Reminders/SettingAReminder.cs)

verify=(--verify-no-changes)
if [ "${1:-}" = --fix ]; then verify=(); fi

status=0
dotnet format whitespace PromotionEngine.slnx "${verify[@]}" --exclude "${aligned[@]}" || status=1
dotnet format style PromotionEngine.slnx "${verify[@]}" || status=1
dotnet format analyzers PromotionEngine.slnx "${verify[@]}" || status=1
if [ $status -ne 0 ]; then echo "lint: the findings above break the house rules (.editorconfig); scripts/lint.sh --fix fixes most" >&2; fi
exit $status
