#!/bin/sh
# The staff web page's windowed list at 100k conversations (docs/web.md, "The list at
# scale"): web/tests/scale.spec.mjs against a `msgcenter serve --demo` seeded with N more
# conversations through signed webhooks, in Debian's chromium. Prints the seeding rate, the
# time from sign-in to the first rows, the walk to the end (pages, ms a page) and the most
# rows the DOM held.
#
#   bench/web-list.sh [BUILD_DIR] [N]      (defaults: build, 100000)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
n=${2:-100000}
MSGCENTER_WEB_SCALE=$n exec node "$here/web/tests/scale.spec.mjs" --msgcenter "$build/cli/msgcenter"
