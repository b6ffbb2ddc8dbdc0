# roster.bash — bash completion for the roster tools (roster(5)).
#
# Installed as COMPLETIONDIR/roster; registers every binary both under its
# plain name and under the prefix "roster-" (make install PROGRAM_PREFIX=
# roster-).  Another prefix can be registered after loading this file:
#     complete -F _roster myprefix-status
# The function finds the tool by the end of the command name.
#
# It completes long options per tool; addresses from the store's
# users/*.yaml file names (the store of --store/-d on the line, else
# $ROSTER_DIR, else ${XDG_DATA_HOME:-$HOME/.local/share}/roster); team names
# from the users' "teams:" lines; roles from roster.ini; IANA zones from the
# tz database (cached per shell); portal keys; and the fixed value sets of
# --format, --mode, --record, --seat, --permission, --contact and --set.

_roster_tools='user-add user-mod user-rm hours-set ooo-add ooo-rm status assign-next records portal-config'
_roster_tools+=' slots coverage user-list store-config store-edit ooo-list'

# Portal keys of portal-config(1), Settings (used when portal-config cannot list them itself).
_roster_portal_keys='portal.enabled portal.name portal.slug portal.domain
portal.language portal.default_inbox portal.ticket_permissions
portal.show_custom_stages form.enabled form.name form.menu_text
form.header_text tickets.display_name tickets.columns tickets.visibility
tickets.owner_name tickets.owner_alias actions.reply_to_closed
actions.close_from_portal access.mode access.groups access.sso
access.consent_text pages.register pages.login pages.logout
pages.access_denied pages.password_reset pages.password_reset_request
session.idle_timeout theme.primary_color theme.font'

_roster_ticket_props='subject requested_by create_date owner last_activity_date status'

# The zone list, filled on first use.
_roster_zone_cache=

# _roster_reply: add every line of stdin that starts with $cur to COMPREPLY,
# quoted for the shell.  Uses cur from the caller.
_roster_reply()
{
	local w q
	while IFS= read -r w; do
		[[ -n $w && $w == "$cur"* ]] || continue
		printf -v q '%q' "$w"
		COMPREPLY+=("$q")
	done
}

# _roster_words WORDS...: like _roster_reply for whitespace-separated words.
_roster_words()
{
	local w
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
	return 0
}

# _roster_dequote WORD: strip one level of surrounding quotes and a leading
# ~/ (enough for a store path typed on the line).
_roster_dequote()
{
	local s=$1
	if [[ $s == \'*\' || $s == \"*\" ]]; then
		s=${s:1:${#s}-2}
	fi
	if [[ $s == '~' ]]; then
		s=$HOME
	elif [[ $s == \~/* ]]; then
		s=$HOME/${s#'~/'}
	fi
	printf '%s\n' "$s"
}

# _roster_store: print the store directory for the line being completed.
_roster_store()
{
	local i w dir=
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		((i == COMP_CWORD)) && continue
		w=${COMP_WORDS[i]}
		case $w in
		--store | -d)
			if [[ ${COMP_WORDS[i + 1]-} == = ]]; then
				((i + 2 != COMP_CWORD)) && dir=${COMP_WORDS[i + 2]-}
				((i += 2))
			else
				((i + 1 != COMP_CWORD)) && dir=${COMP_WORDS[i + 1]-}
				((i += 1))
			fi
			;;
		--store=?*) dir=${w#--store=} ;;
		-d?*) dir=${w#-d} ;;
		--) break ;;
		esac
	done
	if [[ -n $dir ]]; then
		_roster_dequote "$dir"
	elif [[ -n ${ROSTER_DIR-} ]]; then
		printf '%s\n' "$ROSTER_DIR"
	elif [[ ${XDG_DATA_HOME-} == /* ]]; then
		printf '%s\n' "$XDG_DATA_HOME/roster"
	else
		printf '%s\n' "${HOME-}/.local/share/roster"
	fi
}

# _roster_store_args: the --store argument to pass on to a tool, if any.
_roster_store_args()
{
	local dir
	dir=$(_roster_store)
	printf '%s\n' "--store=$dir"
}

# _roster_addresses: active users whose address starts with $cur.
_roster_addresses()
{
	local dir f name pat lc
	dir=$(_roster_store)/users
	[[ -d $dir ]] || return 0
	# File names are the lower-cased address with unsafe bytes as %XX:
	# when the typed prefix is all safe bytes, let the glob narrow the
	# list (a store may hold 100,000 users).
	lc=${cur,,}
	pat=
	if [[ $lc =~ ^[a-z0-9_+@-][a-z0-9._+@-]*$ ]]; then
		pat=$lc
	fi
	local -a names=()
	for f in "$dir/$pat"*.yaml; do
		[[ -f $f ]] || continue
		name=${f##*/}
		name=${name%.yaml}
		if [[ $name == *%* ]]; then
			printf -v name '%b' "${name//%/\\x}"
		fi
		names+=("$name")
	done
	local ocur=$cur
	cur=$lc
	((${#names[@]})) && _roster_reply < <(printf '%s\n' "${names[@]}")
	cur=$ocur
	return 0
}

# _roster_teams: team names found in the users' files.
_roster_teams()
{
	local dir
	dir=$(_roster_store)/users
	[[ -d $dir ]] || return 0
	_roster_reply < <(find "$dir" -mindepth 1 -maxdepth 1 -type f \
	    -name '*.yaml' -exec awk '
		function emit(s) {
			gsub(/^[ \t]+|[ \t]+$/, "", s)
			if (s ~ /^".*"$/ || s ~ /^'\''.*'\''$/)
				s = substr(s, 2, length(s) - 2)
			if (s != "")
				print s
		}
		FNR == 1 { block = 0 }
		block && /^[ \t]+-[ \t]/ { s = $0; sub(/^[ \t]+-[ \t]+/, "", s); sub(/[ \t]+#.*/, "", s); emit(s); next }
		block && /^[^ \t#]/ { block = 0 }
		/^teams:[ \t]*\[/ {
			s = $0
			sub(/^teams:[ \t]*\[/, "", s)
			sub(/\].*/, "", s)
			n = split(s, a, ",")
			for (i = 1; i <= n; i++)
				emit(a[i])
			next
		}
		/^teams:[ \t]*(#.*)?$/ { block = 1 }
	    ' {} + 2>/dev/null | LC_ALL=C sort -u)
}

# _roster_roles: role names from roster.ini.
_roster_roles()
{
	local ini
	ini=$(_roster_store)/roster.ini
	[[ -r $ini ]] || return 0
	_roster_reply < <(sed -n 's/^[[:space:]]*\[[[:space:]]*role[[:space:]]*"\(.*\)"[[:space:]]*\].*/\1/p' "$ini")
}

# _roster_zones: IANA zone names from the tz database, cached per shell.
_roster_zones()
{
	local zdir=${TZDIR:-/usr/share/zoneinfo}
	if [[ -z $_roster_zone_cache && -d $zdir ]]; then
		_roster_zone_cache=$(cd "$zdir" 2>/dev/null &&
		    find . \( -path ./posix -o -path ./right \) -prune -o \
		    \( -type f -o -type l \) -print 2>/dev/null |
		    sed -n 's|^\./\([A-Z][A-Za-z0-9_+-]*\(/[A-Za-z0-9_+-]*\)*\)$|\1|p' |
		    LC_ALL=C sort)
	fi
	[[ -n $_roster_zone_cache ]] || return 0
	_roster_reply <<<"$_roster_zone_cache"
}

# _roster_portal_keys PROG: portal keys, from the tool if it answers.
_roster_portal_keys()
{
	local prog=$1 keys
	keys=$(ROSTER_LOCK_TIMEOUT=1 "$prog" "$(_roster_store_args)" \
	    --format tsv --no-header 2>/dev/null </dev/null | cut -f1)
	# The tool lists the keys that have a value; add the table's others.
	_roster_reply < <(printf '%s\n%s\n' "$keys" "$_roster_portal_keys" | tr ' ' '\n' |
	    LC_ALL=C sort -u)
}

# _roster_store_keys PROG: the settings store-config lists, and the
# forms of the ones it does not have yet.
_roster_store_keys()
{
	local prog=$1 keys
	keys=$(ROSTER_LOCK_TIMEOUT=1 "$prog" "$(_roster_store_args)" \
	    --format tsv --no-header 2>/dev/null </dev/null | cut -f1)
	_roster_reply < <(printf '%s\n' "$keys" store.timezone role. pipelines. \
	    welcome.from welcome.subject welcome.login_url welcome.template |
	    LC_ALL=C sort -u)
}

# _roster_portal_values KEY: the value set of a portal key, if it has one.
_roster_portal_values()
{
	case $1 in
	portal.enabled | portal.show_custom_stages | form.enabled | \
	    actions.reply_to_closed | actions.close_from_portal | access.sso)
		_roster_words true false ;;
	portal.ticket_permissions) _roster_words own company ;;
	tickets.owner_name) _roster_words first full last alias ;;
	access.mode) _roster_words self-register groups ;;
	portal.default_inbox) _roster_words inbox: helpdesk: ;;
	esac
	return 0
}

# _roster_files: file names, and "-" for stdin.
_roster_files()
{
	local f
	[[ -z $cur || $cur == - ]] && COMPREPLY+=(-)
	compopt -o filenames 2>/dev/null || true
	while IFS= read -r f; do
		COMPREPLY+=("$f")
	done < <(compgen -f -- "$cur")
}

_roster_dirs()
{
	local f
	compopt -o filenames 2>/dev/null || true
	while IFS= read -r f; do
		COMPREPLY+=("$f")
	done < <(compgen -d -- "$cur")
}

# _roster_takes_arg TOOL OPTION: true if OPTION of TOOL takes an argument.
_roster_takes_arg()
{
	case $2 in
	-d | --store | --csv | --first-name | --last-name | --permission | \
	    --role | --seat | --team | --no-team | --timezone | --capacity | \
	    --contact | --no-contact | --reassign-to | --from | --to | --ics | \
	    --calendar | --match | --horizon | --start | --at | --set | \
	    --format | --limit | --mode | --record | --owner | --state | \
	    --type | --add-column | --remove-column | --position | --unset | \
	    --rename | --until)
		return 0 ;;
	--duration | --interval | --buffer | --min-notice | --tz | --week | \
	    --step | --min)
		return 0 ;;
	esac
	return 1
}

_roster()
{
	local cmd tool t cur prev opts
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]-}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# "--opt=" is split into "--opt" "=" by COMP_WORDBREAKS.
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
	fi
	# "--record ticket:12" is split at ":" too: nothing to offer after it.
	[[ $cur == : || $prev == : ]] && return 0

	cmd=${COMP_WORDS[0]##*/}
	tool=
	for t in $_roster_tools; do
		if [[ $cmd == "$t" || $cmd == *-"$t" ]]; then
			tool=$t
			break
		fi
	done
	[[ -n $tool ]] || return 0

	case $tool in
	user-add) opts='--csv --dry-run --first-name --help --last-name
		--no-welcome --permission --restore --role --seat
		--skip-existing --store --super-admin --team --timezone
		--version' ;;
	user-mod) opts='--capacity --contact --dry-run --first-name --help
		--last-name --no-contact --no-super-admin --no-team --permission
		--rename --role --seat --store --super-admin --team --version' ;;
	user-rm) opts='--all-records --dry-run --force --help --reassign-to
		--store --unassign --version' ;;
	hours-set) opts='--add --clear --default --dry-run --help --store
		--team --timezone --version' ;;
	ooo-add) opts='--busy --calendar --dry-run --format --from --help
		--horizon --ics --match --no-header --store --team --to
		--version' ;;
	ooo-rm) opts='--all --dry-run --help --past --start --store
		--version' ;;
	status) opts='--at --available --away --check --clear --end-ooo
		--format --help --no-header --quiet --removed --set --store --team
		--until --version' ;;
	assign-next) opts='--at --backlog --dry-run --explain --format --help
		--limit --mode --queue --reassign --record --store --team
		--version' ;;
	records) opts='--add --close --format --help --no-header --owner
		--reopen --state --store --type --unassign --version' ;;
	slots) opts='--buffer --duration --explain --format --from --help
		--interval --min-notice --mode --no-header --store --team --to
		--tz --version' ;;
	coverage) opts='--format --help --min --no-header --step --store
		--team --tz --version --week' ;;
	portal-config) opts='--add-column --check --dry-run --format --help
		--no-header --position --remove-column --reset-columns --store
		--unset --version' ;;
	ooo-list) opts='--format --from --help --no-header --store --team
		--to --version' ;;
	store-edit) opts='--exec --help --store --version' ;;
	store-config) opts='--check --dry-run --format --help --no-header
		--store --unset --version' ;;
	user-list) opts='--contact --format --help --long --no-header
		--removed --role --seat --store --super-admin --team
		--version' ;;
	esac

	# The argument of an option.
	if _roster_takes_arg "$tool" "$prev"; then
		case $prev in
		-d | --store) _roster_dirs ;;
		--csv | --ics) _roster_files ;;
		--permission)
			_roster_words contacts companies deals tickets \
			    conversations reports marketing users billing portal ;;
		--role) _roster_roles ;;
		--seat)
			[[ $tool == user-list ]] && _roster_words paid
			_roster_words none sales-starter sales-professional \
			    service-professional ;;
		--team | --no-team) _roster_teams ;;
		--timezone | --tz) _roster_zones ;;
		--duration | --interval | --buffer | --min-notice)
			_roster_words 15m 30m 45m 1h 1h30m 2h ;;
		--step) _roster_words 15m 30m 1h ;;
		--capacity) _roster_words none ;;
		--contact | --no-contact) _roster_words primary billing technical ;;
		--reassign-to | --owner) _roster_addresses ;;
		--at | --until) _roster_words now ;;
		--set) _roster_words away available ;;
		--mode)
			if [[ $tool == slots ]]; then
				_roster_words any all
			else
				_roster_words round-robin balanced
			fi ;;
		--record)
			compopt -o nospace 2>/dev/null || true
			_roster_words ticket: conversation: contact: company: deal: ;;
		--type) _roster_words ticket conversation contact company deal ;;
		--state) _roster_words open closed ;;
		--calendar) _roster_words ics google outlook ;;
		--add-column | --remove-column)
			# shellcheck disable=SC2086
			_roster_words $_roster_ticket_props ;;
		--unset)
			if [[ $tool == store-config ]]; then
				_roster_store_keys "${COMP_WORDS[0]}"
			else
				_roster_portal_keys "${COMP_WORDS[0]}"
			fi ;;
		--format)
			case $tool in
			assign-next) _roster_words plain json ;;
			ooo-add | slots) _roster_words table tsv csv json ics ;;
			*) _roster_words table tsv csv json ;;
			esac ;;
		esac
		return 0
	fi

	if [[ $cur == -* ]]; then
		# shellcheck disable=SC2086
		_roster_words $opts
		return 0
	fi

	# Operands.
	case $tool in
	user-mod | user-rm | hours-set | ooo-add | ooo-rm | status | slots | \
	    user-list | ooo-list)
		_roster_addresses ;;
	store-edit)
		# After --exec: a command; else one store file or an address.
		local i
		for ((i = 1; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} == --exec ]] && {
				compopt -o default 2>/dev/null || true
				return 0
			}
		done
		_roster_words roster.ini portal.ini records.csv rotation.csv
		_roster_addresses ;;
	store-config)
		# The first operand is a key, the second its value.
		local i w n=0 key=
		for ((i = 1; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			[[ $w == = ]] && continue
			if [[ $w == -* ]]; then
				_roster_takes_arg "$tool" "$w" && ((i += 1))
				continue
			fi
			[[ $n -eq 0 ]] && key=$w
			n=$((n + 1))
		done
		if ((n == 0)); then
			_roster_store_keys "${COMP_WORDS[0]}"
		elif ((n == 1)) && [[ $key == store.timezone ]]; then
			_roster_zones
		elif ((n == 1)) && [[ $key == role.*.permissions ]]; then
			_roster_words contacts companies deals tickets \
			    conversations reports marketing users billing portal
		fi ;;
	portal-config)
		# The first operand is a key, the second its value.
		local i w n=0 key=
		for ((i = 1; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			if [[ $w == = ]]; then
				continue
			elif [[ $w == -* ]]; then
				if _roster_takes_arg "$tool" "$w"; then
					if [[ ${COMP_WORDS[i + 1]-} == = ]]; then
						((i += 2))
					else
						((i += 1))
					fi
				fi
				continue
			fi
			[[ $n -eq 0 ]] && key=$w
			n=$((n + 1))
		done
		if ((n == 0)); then
			_roster_portal_keys "${COMP_WORDS[0]}"
		elif ((n == 1)); then
			_roster_portal_values "$key"
		fi ;;
	esac
	return 0
}

for _roster_t in $_roster_tools; do
	complete -F _roster "$_roster_t" "roster-$_roster_t"
done
unset _roster_t
