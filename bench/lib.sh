# bench/lib.sh: the small helpers every bench script shares (sourced after the
# script has gone to the top of the tree).  Figures go to stdout; progress to stderr.

say() { printf 'bench: %s\n' "$*" >&2; }
# The median of numbers on stdin, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The median of a space-separated list.
med() { echo "$1" | tr ' ' '\n' | grep . | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
# The value after the word KEY in "key value key value" lines.
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
