# bash completion for hotpatchctl                           -*- shell-script -*-
#
# Installed as $(datadir)/bash-completion/completions/hotpatchctl.  The
# candidates come from the program itself: "hotpatchctl --complete WORD...
# CURRENT" prints one a line, from the command grammar it was built with,
# and asks the running hotpatchd for OS, ring and blackout ids.  "@files" and
# "@dirs" stand for file and directory names, which bash lists here.

_hotpatchctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} w IFS=$'\n'
	local -a found

	COMPREPLY=()
	found=($("${COMP_WORDS[0]}" --complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
	for w in "${found[@]}"; do
		case $w in
		@files)
			compopt -o filenames 2>/dev/null
			COMPREPLY+=($(compgen -f -- "$cur"))
			;;
		@dirs)
			compopt -o filenames 2>/dev/null
			COMPREPLY+=($(compgen -d -- "$cur"))
			;;
		*)
			COMPREPLY+=("$w")
			;;
		esac
	done
}
complete -F _hotpatchctl hotpatchctl
