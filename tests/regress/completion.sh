#!/bin/sh
# regress/completion.sh: the shell completion scripts in completion/, loaded into a real
# bash (--norc) and zsh (-f), against a real daemon: commands and subcommands from
# hotpatchctl's grammar, OS ids as in data/calendar.yaml, ring ids as in schedules/,
# blackout ids as the daemon numbers them, kinds, options, file and directory names, and
# nothing at all (quickly, silently) when no daemon answers.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

HOTPATCHD_SOCKET=$sock
export HOTPATCHD_SOCKET

# The known answers, from the data files rather than from the daemon.
commands="audit backup blackout calendar device devices export feed fleet help import month next os override plan publish reload ring rings status windows"
os_ids=$(python3 -c 'import sys, yaml
print(" ".join(sorted(o["id"] for o in yaml.safe_load(open(sys.argv[1]))["os"])))' "$CAL")
ring_ids=$(python3 -c 'import sys, yaml
print(" ".join(sorted(r["id"] for f in sys.argv[1:] for r in yaml.safe_load(open(f)).get("rings", []))))' \
    "$SCHED"/*.yaml)
[ "$(echo "$os_ids" | wc -w)" -ge 5 ] && [ "$(echo "$ring_ids" | wc -w)" -ge 10 ] ||
	not_ok "the data files list the OSes and rings" "os: $os_ids" "rings: $ring_ids"

# bash_complete WORD...: COMP_WORDS=(hotpatchctl WORD...) with the cursor on the last WORD;
# the function's COMPREPLY, sorted, on one line in $got.
bash_complete() {
	timeout "$(tmo 60)" bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_hotpatchctl
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$top_srcdir/completion/hotpatchctl.bash" "$HOTPATCHCTL" "$@" > "$tmp/got" 2> "$tmp/got.err"
	rc=$?
	got=$(sort "$tmp/got" | tr '\n' ' ' | sed 's/ *$//')
}

# completed_by HOW NAME WANT WORD...: the completion HOW (bash_complete or zsh_complete)
# gives for WORD... is exactly WANT (sorted, space-separated), with nothing on stderr.
completed_by() {
	_how=$1 _n=$2 _want=$(printf '%s\n' $3 | sort | tr '\n' ' ' | sed 's/ *$//')
	shift 3
	"$_how" "$@"
	if [ $rc -eq 0 ] && [ "$got" = "$_want" ] && ! [ -s "$tmp/got.err" ]; then
		ok "$_n"
	else
		not_ok "$_n" "exit $rc" "got:  $got" "want: $_want" "stderr: $(head -c 300 "$tmp/got.err")"
	fi
}
# completes NAME WANT WORD...: the bash completion.
completes() { completed_by bash_complete "$@"; }

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

# ---------------------------------------------------------------------------
# bash

completes "bash: every command name" "$commands" ""
completes "bash: commands starting with 'r'" "reload ring rings" r
completes "bash: 'ov' is override" "override" ov
completes "bash: override's subcommands" "set clear list" override ""
completes "bash: blackout's subcommands" "add remove list import" blackout ""
completes "bash: help completes command names" "$(echo "$commands" | sed 's/ help//')" help ""
completes "bash: help override completes its subcommands" "set clear list" help override ""
completes "bash: --os takes an OS id of data/calendar.yaml" "$os_ids" calendar --os ""
completes "bash: override set takes an OS id" "$os_ids" override set ""
completes "bash: OS ids starting with 'ws'" "$(printf '%s\n' $os_ids | grep '^ws')" month 2026-10 --os ws
completes "bash: --ring takes a ring id of schedules/" "$ring_ids" windows --ring ""
completes "bash: ring show takes a ring id" "$ring_ids" ring show ""
completes "bash: ring ids starting with 'srv-'" "$(printf '%s\n' $ring_ids | grep '^srv-')" next --ring srv-
completes "bash: ids from the daemon at --socket" "$ring_ids" --socket "$sock" ring show ""
completes "bash: the kinds after OS and month" "baseline hotpatch lcu" override set ws2022-azure 2027-05 ""
# publish is a command and a group: its subcommands and its first argument, an OS id.
completes "bash: publish takes clear, list or an OS id" "clear list $os_ids" publish ""
completes "bash: help publish completes its subcommands" "clear list" help publish ""
completes "bash: publish clear takes an OS id" "$os_ids" publish clear ""
completes "bash: publish's kinds" "baseline hotpatch lcu" publish ws2022-azure 2027-05 ""
completes "bash: publish's options, the flags too" "--kb --build --date --unplanned --expedited --note" \
    publish ws2022-azure 2027-05 baseline ""
completes "bash: a flag takes no value: the next word is an option again" \
    "--kb --build --date --expedited --note" publish ws2022-azure 2027-05 baseline --unplanned ""
completes "bash: windows' options once the ring is given" "--os --from --months" windows --ring ring1 ""
completes "bash: options after '-', global ones too" \
    "--os --socket --json --at --color=auto --color=always --color=never --width --full --help" month 2026-10 -
completes "bash: a month is not guessed" "" month ""
completes "bash: --width takes a number, then the command's options" "--os --from --months" \
    --width 80 windows --ring ring1 ""

# Blackout ids: only those added at run time can be removed.
ctl --json blackout add --name "completion test" --from 2027-01-04 --to 2027-01-05
id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["blackout"]["id"])' "$tmp/out" 2>/dev/null)
[ -n "$id" ] || not_ok "blackout add for the id test" "$(cat "$tmp/out" "$tmp/err")"
completes "bash: blackout remove offers the run-time blackout only" "$id" blackout remove ""

mkdir -p "$tmp/files/sub" && : > "$tmp/files/a.ics" && : > "$tmp/files/b.txt"
completes "bash: blackout import takes a file name" "$tmp/files/a.ics $tmp/files/b.txt $tmp/files/sub" \
    blackout import "$tmp/files/"
completes "bash: export --dir takes a directory" "$tmp/files/sub" export --dir "$tmp/files/"
completes "bash: backup takes a file name" "$tmp/files/a.ics" backup "$tmp/files/a"
completes "bash: import cvrf takes a file name" "$tmp/files/a.ics $tmp/files/b.txt $tmp/files/sub" \
    import cvrf "$tmp/files/"
completes "bash: import cvrf FILE offers --dry-run" "--dry-run" import cvrf x.json --d
completes "bash: devices import takes a file name" "$tmp/files/a.ics $tmp/files/b.txt $tmp/files/sub" \
    devices import "$tmp/files/"
completes "bash: devices import FILE offers its flags" "--replace --ring" devices import x.csv --r
completes "bash: devices offers import and its options" "import" devices i
completes "bash: audit's options" "--since --until --limit --offset" audit ""
completes "bash: --since takes a date: nothing is guessed" "" audit --since ""

# No daemon: no ids, no message, no hang.
t0=$(date +%s)
HOTPATCHD_SOCKET=$tmp/nodaemon.sock completes "bash: no daemon, no OS ids and nothing on stderr" "" \
    calendar --os ""
HOTPATCHD_SOCKET=$tmp/nodaemon.sock completes "bash: no daemon, commands still complete" \
    "override" ov
# A cap for a hang, not a measure of speed (each completion above is stopped after $(tmo 60) s).
[ $(($(date +%s) - t0)) -le "$(tmo 30)" ] && ok "bash: completing without a daemon does not hang" ||
	not_ok "bash: completing without a daemon does not hang" "$(($(date +%s) - t0)) s"

# ---------------------------------------------------------------------------
# zsh: the function is autoloaded from completion/ as compinit would; compadd and _files,
# which only work inside the line editor, are replaced by functions that print what they
# were given.

# zsh_complete WORD...: words=(hotpatchctl WORD...), CURRENT on the last; what _hotpatchctl
# offers, sorted, on one line in $got.
zsh_complete() {
	timeout "$(tmo 60)" zsh -f -c '
		compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }
		_files() { print -r -- "_files${*:+:$*}"; }
		fpath=("$1" $fpath)
		autoload -Uz _hotpatchctl
		shift
		words=("$@")
		CURRENT=$#
		_hotpatchctl
	' zsh "$top_srcdir/completion" "$HOTPATCHCTL" "$@" > "$tmp/got" 2> "$tmp/got.err"
	rc=$?
	got=$(sort "$tmp/got" | tr '\n' ' ' | sed 's/ *$//')
}

zcompletes() { completed_by zsh_complete "$@"; }

if command -v zsh > /dev/null 2>&1; then
	reg=$(timeout "$(tmo 60)" zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit
		compinit -u -D; print -r -- "$_comps[hotpatchctl]"' zsh "$top_srcdir/completion" 2>&1)
	[ "$reg" = "_hotpatchctl" ] && ok "zsh: compinit binds _hotpatchctl to hotpatchctl" ||
		not_ok "zsh: compinit binds _hotpatchctl to hotpatchctl" "got: $reg"
	zcompletes "zsh: every command name" "$commands" ""
	zcompletes "zsh: override's subcommands" "set clear list" override ""
	zcompletes "zsh: --os takes an OS id of data/calendar.yaml" "$os_ids" calendar --os ""
	zcompletes "zsh: ring show takes a ring id of schedules/" "$ring_ids" ring show ""
	zcompletes "zsh: the kinds" "baseline hotpatch lcu" override set ws2022-azure 2027-05 ""
	zcompletes "zsh: blackout import hands file names to _files" "_files" blackout import ""
	zcompletes "zsh: import cvrf hands file names to _files" "_files" import cvrf ""
	zcompletes "zsh: devices import hands file names to _files" "_files" devices import ""
	zcompletes "zsh: export --dir hands directories to _files -/" "_files:-/" export --dir ""
	HOTPATCHD_SOCKET=$tmp/nodaemon.sock zcompletes "zsh: no daemon, no ids, nothing on stderr" "" \
	    calendar --os ""
else
	skip "zsh completion" "zsh is not installed (quickstart.sh installs it)"
fi

stop_daemon || not_ok "the daemon exits cleanly" "$(tail -n 5 "$tmp/var.log")"
finish
